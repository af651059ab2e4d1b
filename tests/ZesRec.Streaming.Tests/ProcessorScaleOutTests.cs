using System.Diagnostics;
using ZesRec.Data.Import;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Tests.Fixtures;
using Xunit.Abstractions;

namespace ZesRec.Streaming.Tests;

/// <summary>
/// Two `zesrec serve` processes in one consumer group split the interaction partitions and their users; when one
/// is killed the other takes its partitions over from the stored states and offsets, and the end result equals
/// that of a single processor.
/// </summary>
[Collection(ProcessCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class ProcessorScaleOutTests(KafkaService kafka, PostgresService postgres, ProcessorHarness harness, ITestOutputHelper output)
{
    private const int Interactions = 12_000;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Two_processors_should_split_the_partitions_and_the_survivor_should_take_over_a_killed_one()
    {
        // Given 12,000 real Office interactions (users and items unseen by the model) for two deployments
        var office = DatasetImporters.Import("rechorus", RepoPaths.SharedData("amazon2014-office"), "office").Dataset;
        var interactions = office.Interactions.OrderBy(i => i.OrderKey).Take(Interactions).ToList();
        var users = interactions.Select(i => i.UserId).Distinct().Count();
        await using var single = await postgres.CreateSchemaAsync("scale_single");
        await using var pair = await postgres.CreateSchemaAsync("scale_pair");
        var singleTopics = Topics.Fresh(kafka);
        var pairTopics = Topics.Fresh(kafka);
        using var producer = new KafkaProducer(kafka.Settings("scale-producer"));

        // When one deployment is a single processor
        var options = harness.Options(kafka.Bootstrap, postgres.ConnectionString, single.Name, singleTopics, KafkaService.FreshGroup("single"));
        options.Processing.TopK = 5;
        await using (var run = await RunningProcessor.StartAsync(options))
        {
            await ProcessorHarness.PublishItemsAsync(producer, singleTopics.Items, office.Items);
            Assert.True(await Eventually.HoldsAsync(() => run.Processor.Catalog.Count == office.Items.Count, Patience));
            await ProcessorHarness.PublishInteractionsAsync(producer, singleTopics.Interactions, interactions);
            Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(single.DataSource, singleTopics.Interactions) == Interactions, Patience));
        }

        // And the other is two `zesrec serve` processes in one group, both serving the first half of the replay
        var group = KafkaService.FreshGroup("pair");
        using var a = ServeProcess.Start(harness, kafka.Bootstrap, postgres.ConnectionString, pair.Name, pairTopics, group, "a");
        using var b = ServeProcess.Start(harness, kafka.Bootstrap, postgres.ConnectionString, pair.Name, pairTopics, group, "b");
        await ProcessorHarness.PublishItemsAsync(producer, pairTopics.Items, office.Items);
        Assert.True(await Eventually.HoldsAsync(async () => await a.MetricAsync("zesrec_catalog_items") == office.Items.Count && await b.MetricAsync("zesrec_catalog_items") == office.Items.Count, Patience), $"catalogue not loaded by both; a:\n{a.Tail()}\nb:\n{b.Tail()}");
        Assert.True(await Eventually.HoldsAsync(async () => await a.MetricAsync("zesrec_ready") == 1 && await b.MetricAsync("zesrec_ready") == 1, Patience), $"both never ready; a:\n{a.Tail()}\nb:\n{b.Tail()}");
        await ProcessorHarness.PublishInteractionsAsync(producer, pairTopics.Interactions, interactions.Take(Interactions / 2));
        Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(pair.DataSource, pairTopics.Interactions) == Interactions / 2, Patience));
        var usersA = await a.MetricAsync("zesrec_users_in_memory") ?? 0;
        var usersB = await b.MetricAsync("zesrec_users_in_memory") ?? 0;
        var firstHalfUsers = interactions.Take(Interactions / 2).Select(i => i.UserId).Distinct().Count();
        output.WriteLine($"first half: {firstHalfUsers} users, held by a: {usersA}, by b: {usersB}");

        // Then they split the users between them, each holding some and together all
        Assert.True(usersA > 0 && usersB > 0, $"one member holds no users: a {usersA}, b {usersB}");
        Assert.Equal(firstHalfUsers, usersA + usersB);

        // When b is killed with SIGKILL while the second half streams in (paced, so the kill lands mid-stream)
        var published = new PacedPublisher(producer, pairTopics.Interactions, [.. interactions.Skip(Interactions / 2)], 1_000).RunAsync(CancellationToken.None);
        Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(pair.DataSource, pairTopics.Interactions) >= (Interactions / 2) + 1_000, Patience));
        var clock = Stopwatch.StartNew();
        await b.KillAsync();
        var atKill = ProcessorStore.OffsetSum(pair.DataSource, pairTopics.Interactions);
        await published;
        Assert.True(atKill < Interactions, "the replay was over before the kill");

        // Then a takes b's partitions over and finishes the replay alone
        var done = await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(pair.DataSource, pairTopics.Interactions) == Interactions, Patience);
        var takeover = clock.Elapsed;
        Assert.True(done, $"stored offsets reached {ProcessorStore.OffsetSum(pair.DataSource, pairTopics.Interactions)} of {Interactions}");
        var usersAfter = await a.MetricAsync("zesrec_users_in_memory");
        output.WriteLine($"applied when b was killed: {atKill} of {Interactions}; a finished {takeover.TotalSeconds:0.0} s after the kill holding {usersAfter} of {users} users");
        Assert.Equal(users, usersAfter);

        // And the end result is the single processor's: same states, each interaction applied once, every recommendation
        var expected = await ProcessorStore.StatesAsync(single.DataSource);
        var actual = await ProcessorStore.StatesAsync(pair.DataSource);
        ProcessorStore.AssertSameStates(expected, actual);
        Assert.Equal(Interactions, actual.Values.Sum(r => r.Interactions));
        var (recommended, repeated) = TopicReader.AssertEveryRecommendationPublished(kafka.Bootstrap, singleTopics, pairTopics, Interactions);
        output.WriteLine($"recommendations published by the pair: {recommended} ({repeated} repeated)");
    }
}
