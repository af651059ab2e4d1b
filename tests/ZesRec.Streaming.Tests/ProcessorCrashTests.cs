using Npgsql;
using ZesRec.Data.Import;
using ZesRec.Streaming.Hosting;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Tests.Fixtures;
using Xunit.Abstractions;

namespace ZesRec.Streaming.Tests;

/// <summary>
/// The processor as a real process (`zesrec serve`), killed with SIGKILL at random moments and restarted, must end
/// exactly where an uninterrupted run ends: every interaction applied once, every recommendation published.
/// </summary>
[Collection(ModelChangeCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class ProcessorCrashTests(KafkaService kafka, PostgresService postgres, ProcessorHarness harness, ITestOutputHelper output)
{
    private const int Interactions = 20_000;
    private const int Kills = 10;
    private const int PublishedPerSecond = 300;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Processor_killed_ten_times_should_end_with_the_states_of_an_uninterrupted_run()
    {
        // Given 20,000 real Office interactions (all users and items unseen by the model) in two deployments
        var office = DatasetImporters.Import("rechorus", RepoPaths.SharedData("amazon2014-office"), "office").Dataset;
        var interactions = office.Interactions.OrderBy(i => i.OrderKey).Take(Interactions).ToList();
        await using var steady = await postgres.CreateSchemaAsync("crash_steady");
        await using var crashed = await postgres.CreateSchemaAsync("crash_killed");
        var steadyTopics = Topics.Fresh(kafka);
        var crashedTopics = Topics.Fresh(kafka);
        using var producer = new KafkaProducer(kafka.Settings("crash-producer"));
        foreach (var t in new[] { steadyTopics, crashedTopics })
        {
            await ProcessorHarness.PublishItemsAsync(producer, t.Items, office.Items);
        }

        // Interactions follow once the catalogue is stored: one that waits past UnknownItemWaitMs for its item is
        // dead-lettered, and which ones would wait depends on timing, not on crashes.

        // When one deployment runs uninterrupted in process
        var steadyOptions = harness.Options(kafka.Bootstrap, postgres.ConnectionString, steady.Name, steadyTopics, KafkaService.FreshGroup("steady"));
        steadyOptions.Processing.TopK = 5;
        await using (var processor = StreamingProcessor.Create(steadyOptions, TextWriter.Null))
        {
            using var stop = new CancellationTokenSource();
            var run = Task.Run(() => processor.RunAsync(stop.Token));
            Assert.True(await Eventually.HoldsAsync(() => processor.Catalog.Count == office.Items.Count, Patience));
            await ProcessorHarness.PublishInteractionsAsync(producer, steadyTopics.Interactions, interactions);
            Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(steady.DataSource, steadyTopics.Interactions) == Interactions, Patience));
            await stop.CancelAsync();
            await run;
        }

        // And the other runs as `zesrec serve` processes, killed with SIGKILL at random moments
        var group = KafkaService.FreshGroup("killed");
        var random = new Random(7);
        var progress = new List<long>();
        var publishing = Task.CompletedTask;
        for (var kill = 0; kill < Kills; kill++)
        {
            using var serve = ServeProcess.Start(harness, kafka.Bootstrap, postgres.ConnectionString, crashed.Name, crashedTopics, group, "crash");
            if (kill == 0)
            {
                Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.ItemCount(crashed.DataSource) == office.Items.Count, Patience));
                // Paced, so that the stream is still flowing at every kill however fast the processor is.
                publishing = new PacedPublisher(producer, crashedTopics.Interactions, interactions, PublishedPerSecond).RunAsync(CancellationToken.None);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(4_000, 9_000)));
            await serve.KillAsync();
            progress.Add(ProcessorStore.OffsetSum(crashed.DataSource, crashedTopics.Interactions));
        }

        await publishing;
        using (var last = ServeProcess.Start(harness, kafka.Bootstrap, postgres.ConnectionString, crashed.Name, crashedTopics, group, "crash"))
        {
            var done = await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(crashed.DataSource, crashedTopics.Interactions) == Interactions, Patience);
            await last.KillAsync();
            Assert.True(done, $"stored offsets reached {ProcessorStore.OffsetSum(crashed.DataSource, crashedTopics.Interactions)} of {Interactions}");
        }

        output.WriteLine($"applied interactions after each kill: {string.Join(", ", progress)}");

        // Then the users' states, histories and counts equal the uninterrupted run's: each interaction applied once
        var a = await ProcessorStore.StatesAsync(steady.DataSource);
        var b = await ProcessorStore.StatesAsync(crashed.DataSource);
        ProcessorStore.AssertSameStates(a, b);
        Assert.Equal(Interactions, b.Values.Sum(r => r.Interactions));

        // And every recommendation of the uninterrupted run was published at least once (some more than once)
        var (published, repeated) = TopicReader.AssertEveryRecommendationPublished(kafka.Bootstrap, steadyTopics, crashedTopics, Interactions);
        output.WriteLine($"recommendations published: {published} for {Interactions} interactions ({repeated} repeated)");
        Assert.True(progress.Count(p => p > 0 && p < Interactions) >= 3, "the kills did not land mid-stream: " + string.Join(", ", progress));
    }
}
