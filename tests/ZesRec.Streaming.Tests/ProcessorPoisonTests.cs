using System.Security.Cryptography;
using System.Text;
using Confluent.Kafka;
using ZesRec.Data.Events;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Observability;
using ZesRec.Streaming.Tests.Fixtures;
using Xunit.Abstractions;

namespace ZesRec.Streaming.Tests;

/// <summary>
/// Events that once stopped the processor or were lost without a trace: each must end in the dead-letter topic with
/// its own reason while the events around it are applied, and the processor must stay ready.
/// </summary>
[Collection(ProcessorCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class ProcessorPoisonTests(KafkaService kafka, PostgresService postgres, ProcessorHarness harness, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Interaction_of_about_a_megabyte_should_be_dead_lettered_cut_to_fit_and_the_stream_should_move_on()
    {
        // Given a serving processor
        await using var served = await ServedAsync("megabyte");
        var user = harness.Target.Interactions[0].UserId;
        var payload = Encoding.UTF8.GetBytes($$"""{"version":1,"userId":"{{user}}","itemId":"x","position":1,"pad":"{{new string('p', 999_000)}}"}""");

        // When an interaction of about 1 MB (the broker takes it) comes before valid ones
        await served.Producer.ProduceAsync(served.Topics.Interactions, user, payload);
        var valid = harness.Target.Interactions.Take(50).ToList();
        await ProcessorHarness.PublishInteractionsAsync(served.Producer, served.Topics.Interactions, valid);

        // Then it is dead-lettered as too large, cut to what the topic accepts, with its size and hash
        var letter = Assert.Single(Letters(served, 1));
        Assert.Equal(ReasonCodes.TooLarge, letter.ReasonCode);
        Assert.True(letter.PayloadTruncated);
        Assert.Equal(payload.Length, letter.PayloadSize);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(payload)), letter.PayloadSha256);
        Assert.Equal(payload[..letter.PayloadBytes().Length], letter.PayloadBytes());

        // And every valid interaction got its recommendation, and the processor is ready
        Assert.Equal(valid.Count, Recommendations(served, valid.Count).Count);
        Assert.True(served.Run.Processor.Ready);
    }

    [Fact]
    public async Task Escaped_NUL_in_item_text_or_user_id_should_be_dead_lettered_before_PostgreSQL_sees_it()
    {
        // Given a serving processor
        await using var served = await ServedAsync("nul");
        var item = harness.Target.Items[0].ItemId;

        // When an item's text and a user id hold an escaped NUL, valid JSON both
        await served.Producer.ProduceAsync(served.Topics.Items, "nul-item", Encoding.UTF8.GetBytes("""{"version":1,"itemId":"nul-item","text":"stapler\u0000"}"""));
        await served.Producer.ProduceAsync(served.Topics.Interactions, "nul\0user", Encoding.UTF8.GetBytes($$"""{"version":1,"userId":"nul\u0000user","itemId":"{{item}}","position":1}"""));
        var valid = harness.Target.Interactions.Take(50).ToList();
        await ProcessorHarness.PublishInteractionsAsync(served.Producer, served.Topics.Interactions, valid);

        // Then both are dead-lettered as forbidden characters, and the stream goes on
        var letters = Letters(served, 2);
        Assert.Equal([ReasonCodes.ForbiddenCharacter, ReasonCodes.ForbiddenCharacter], letters.Select(l => l.ReasonCode));
        Assert.Equal(valid.Count, Recommendations(served, valid.Count).Count);
        Assert.True(served.Run.Processor.Ready);
    }

    [Fact]
    public async Task Interactions_of_one_user_under_other_keys_or_partitions_should_each_be_dead_lettered_and_none_dropped()
    {
        // Given a serving processor and a user with one applied interaction on partition 0
        await using var served = await ServedAsync("keys");
        using var raw = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = kafka.Bootstrap }).Build();
        var items = harness.Target.Items.Take(8).Select(i => i.ItemId).ToList();
        var at = DateTimeOffset.UtcNow.AddDays(-1);
        byte[] Event(int n) => EventJson.Serialize(new InteractionOccurred(1, "user-k", items[n], at.AddMinutes(n), null));
        await raw.ProduceAsync(new TopicPartition(served.Topics.Interactions, 0), new Message<string, byte[]> { Key = "user-k", Value = Event(0) });
        Assert.Single(Recommendations(served, 1));

        // When four more come under keys that are not the user id, and three under the right key on other partitions
        for (var n = 1; n <= 4; n++)
        {
            await served.Producer.ProduceAsync(served.Topics.Interactions, $"other-key-{n}", Event(n));
        }

        for (var p = 1; p <= 3; p++)
        {
            await raw.ProduceAsync(new TopicPartition(served.Topics.Interactions, p), new Message<string, byte[]> { Key = "user-k", Value = Event(4 + p) });
        }

        // Then each is dead-lettered with its own reason, none skipped as a duplicate, and the stored state is untouched
        var letters = Letters(served, 7);
        Assert.Equal(4, letters.Count(l => l.ReasonCode == ReasonCodes.KeyMismatch));
        Assert.Equal(3, letters.Count(l => l.ReasonCode == ReasonCodes.PartitionMismatch));
        Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(served.Schema.DataSource, served.Topics.Interactions) == 8, Patience));
        var states = await ProcessorStore.StatesAsync(served.Schema.DataSource);
        Assert.Equal(1, states["user-k"].Interactions);
    }

    [Fact]
    public async Task A_user_on_another_processes_partition_should_be_dead_lettered_not_overwritten_when_two_processes_serve()
    {
        // Given two `zesrec serve` processes in one group, and a user with one applied interaction on partition 0
        await using var schema = await postgres.CreateSchemaAsync("keys_pair");
        var topics = Topics.Fresh(kafka);
        var group = KafkaService.FreshGroup("keys-pair");
        using var a = ServeProcess.Start(harness, kafka.Bootstrap, postgres.ConnectionString, schema.Name, topics, group, "a");
        using var b = ServeProcess.Start(harness, kafka.Bootstrap, postgres.ConnectionString, schema.Name, topics, group, "b");
        using var producer = new KafkaProducer(kafka.Settings("keys-pair-producer"));
        await ProcessorHarness.PublishItemsAsync(producer, topics.Items, harness.Target.Items);
        Assert.True(await Eventually.HoldsAsync(async () => await a.MetricAsync("zesrec_catalog_items") == harness.Target.Items.Count && await b.MetricAsync("zesrec_catalog_items") == harness.Target.Items.Count, Patience), $"a:\n{a.Tail()}\nb:\n{b.Tail()}");
        Assert.True(await Eventually.HoldsAsync(async () => await a.MetricAsync("zesrec_ready") == 1 && await b.MetricAsync("zesrec_ready") == 1, Patience), $"a:\n{a.Tail()}\nb:\n{b.Tail()}");
        using var raw = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = kafka.Bootstrap }).Build();
        var items = harness.Target.Items.Take(4).Select(i => i.ItemId).ToList();
        var at = DateTimeOffset.UtcNow.AddDays(-1);
        byte[] Event(int n) => EventJson.Serialize(new InteractionOccurred(1, "user-p", items[n], at.AddMinutes(n), null));
        await raw.ProduceAsync(new TopicPartition(topics.Interactions, 0), new Message<string, byte[]> { Key = "user-p", Value = Event(0) });
        Assert.Single(ProcessorHarness.ReadAll(kafka.Bootstrap, topics.Recommendations, r => r.Count >= 1, Patience));
        // The other process knows the user's partition from the store: wait for the flush, which follows the publish.
        Assert.True(await Eventually.HoldsAsync(async () => (await ProcessorStore.StatesAsync(schema.DataSource)).ContainsKey("user-p"), Patience));

        // When the same user's next interactions come on the three other partitions, at least one owned by the other process
        for (var p = 1; p <= 3; p++)
        {
            await raw.ProduceAsync(new TopicPartition(topics.Interactions, p), new Message<string, byte[]> { Key = "user-p", Value = Event(p) });
        }

        // Then all three are dead-lettered, and the user's stored state still is the one from partition 0
        var letters = ProcessorHarness.ReadAll(kafka.Bootstrap, topics.DeadLetter, r => r.Count >= 3, Patience).Select(r => EventJson.DeserializeDeadLetter(r.Message.Value)).ToList();
        Assert.Equal(3, letters.Count(l => l.ReasonCode == ReasonCodes.PartitionMismatch));
        Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(schema.DataSource, topics.Interactions) == 4, Patience));
        var states = await ProcessorStore.StatesAsync(schema.DataSource);
        Assert.Equal(1, states["user-p"].Interactions);
        Assert.Single(ProcessorHarness.ReadAll(kafka.Bootstrap, topics.Recommendations, _ => false, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task Interaction_PostgreSQL_refuses_should_be_isolated_and_dead_lettered_while_the_rest_of_its_batch_applies()
    {
        // Given a serving processor whose store refuses one user's state (a real check constraint of PostgreSQL)
        await using var served = await ServedAsync("refused");
        await using (var constrain = served.Schema.DataSource.CreateCommand("ALTER TABLE user_states ADD CONSTRAINT refuse_one CHECK (user_id <> 'refused-user')"))
        {
            await constrain.ExecuteNonQueryAsync();
        }

        // When that user's interaction comes in the middle of valid ones, in one batch
        var valid = harness.Target.Interactions.Take(60).ToList();
        var refused = valid[30] with { UserId = "refused-user" };
        var restarts = ZesRecMetrics.Restarts.Value;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await ProcessorHarness.PublishInteractionsAsync(served.Producer, served.Topics.Interactions, [.. valid.Take(30), refused, .. valid.Skip(30)]);

        // Then it is dead-lettered as unprocessable with PostgreSQL's reason, every other one is applied, and the processor is ready again
        var letter = Assert.Single(Letters(served, 1));
        Assert.Equal(ReasonCodes.Unprocessable, letter.ReasonCode);
        Assert.Contains("23514", letter.Reason, StringComparison.Ordinal);
        Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(served.Schema.DataSource, served.Topics.Interactions) == valid.Count + 1, Patience));
        var states = await ProcessorStore.StatesAsync(served.Schema.DataSource);
        Assert.Equal(valid.Count, states.Values.Sum(s => s.Interactions));
        Assert.True(await Eventually.HoldsAsync(() => served.Run.Processor.Ready, Patience), served.Run.Processor.Readiness().Why);
        output.WriteLine($"isolated and dead-lettered, every other interaction applied and ready again {clock.Elapsed.TotalSeconds:0.0} s after publishing; "
            + $"{ZesRecMetrics.Restarts.Value - restarts} restarts; reason: {letter.Reason}");
    }

    [Fact]
    public async Task Timestamp_after_a_position_of_the_largest_value_should_be_dead_lettered_as_out_of_order()
    {
        // Given a serving processor and a user whose first interaction has the largest position
        await using var served = await ServedAsync("mixed_keys");
        var items = harness.Target.Items.Take(2).Select(i => i.ItemId).ToList();
        await served.Producer.ProduceAsync(served.Topics.Interactions, "user-m", EventJson.Serialize(new InteractionOccurred(1, "user-m", items[0], null, long.MaxValue)));

        // When the user's next interaction has a timestamp instead
        await served.Producer.ProduceAsync(served.Topics.Interactions, "user-m", EventJson.Serialize(new InteractionOccurred(1, "user-m", items[1], DateTimeOffset.UtcNow.AddDays(-1), null)));
        var valid = harness.Target.Interactions.Take(20).ToList();
        await ProcessorHarness.PublishInteractionsAsync(served.Producer, served.Topics.Interactions, valid);

        // Then the second is dead-lettered with a reason that names both, and the stream goes on
        var letter = Assert.Single(Letters(served, 1));
        Assert.Equal(ReasonCodes.OutOfOrder, letter.ReasonCode);
        Assert.Contains($"position {long.MaxValue}", letter.Reason, StringComparison.Ordinal);
        Assert.Equal(valid.Count + 1, Recommendations(served, valid.Count + 1).Count);
        Assert.True(served.Run.Processor.Ready);
    }

    private async Task<Served> ServedAsync(string name)
    {
        var schema = await postgres.CreateSchemaAsync("poison_" + name);
        var topics = Topics.Fresh(kafka);
        var run = await RunningProcessor.StartAsync(harness.Options(kafka.Bootstrap, postgres.ConnectionString, schema.Name, topics, KafkaService.FreshGroup("poison-" + name)));
        var producer = new KafkaProducer(kafka.Settings("poison-" + name));
        await ProcessorHarness.PublishItemsAsync(producer, topics.Items, harness.Target.Items);
        Assert.True(await Eventually.HoldsAsync(() => run.Processor.Catalog.Count == harness.Target.Items.Count, Patience), $"catalogue has {run.Processor.Catalog.Count} items");
        return new Served(schema, topics, run, producer);
    }

    private List<DeadLetter> Letters(Served served, int count) =>
        [.. ProcessorHarness.ReadAll(kafka.Bootstrap, served.Topics.DeadLetter, r => r.Count >= count, Patience).Select(r => EventJson.DeserializeDeadLetter(r.Message.Value))];

    private List<RecommendationPublished> Recommendations(Served served, int count) =>
        [.. ProcessorHarness.ReadAll(kafka.Bootstrap, served.Topics.Recommendations, r => r.Count >= count, Patience).Select(r => EventJson.DeserializeRecommendation(r.Message.Value))];

    private sealed record Served(ScratchSchema Schema, Topics Topics, RunningProcessor Run, KafkaProducer Producer) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Producer.Dispose();
            await Run.DisposeAsync();
            await Schema.DisposeAsync();
        }
    }
}
