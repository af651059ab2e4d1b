using Npgsql;
using ZesRec.Streaming.Hosting;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Tests.Fixtures;
using ZesRec.Data.Events;

namespace ZesRec.Streaming.Tests;

[Collection(ProcessorCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class ProcessorEndToEndTests(KafkaService kafka, PostgresService postgres, ProcessorHarness harness)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Replay_should_publish_one_recommendation_per_interaction_when_every_item_and_user_is_new()
    {
        // Given a processor serving the unseen tiny Office domain
        await using var schema = await postgres.CreateSchemaAsync("e2e");
        var topics = Topics.Fresh(kafka);
        await using var run = await RunningProcessor.StartAsync(harness.Options(kafka.Bootstrap, postgres.ConnectionString, schema.Name, topics, KafkaService.FreshGroup("e2e")));
        using var producer = new KafkaProducer(kafka.Settings("e2e-producer"));

        // When the target's items, then its interactions, are replayed
        await ProcessorHarness.PublishItemsAsync(producer, topics.Items, harness.Target.Items);
        Assert.True(await Eventually.HoldsAsync(() => run.Processor.Catalog.Count == harness.Target.Items.Count, Patience), $"catalogue has {run.Processor.Catalog.Count} items");
        await ProcessorHarness.PublishInteractionsAsync(producer, topics.Interactions, harness.Target.Interactions);
        var expected = harness.Target.Interactions.Count;
        var recs = ProcessorHarness.ReadAll(kafka.Bootstrap, topics.Recommendations, r => r.Count >= expected, Patience)
            .Select(r => EventJson.DeserializeRecommendation(r.Message.Value)).ToList();

        // Then there is exactly one recommendation per interaction, each of 20 target items the user had not seen
        Assert.Equal(expected, recs.Count);
        Assert.Equal(expected, recs.Select(r => r.EventId).Distinct().Count());
        var targetItems = harness.Target.Items.Select(i => i.ItemId).ToHashSet();
        var seen = new Dictionary<string, HashSet<string>>();
        foreach (var rec in recs.OrderBy(r => r.SourcePartition).ThenBy(r => r.SourceOffset))
        {
            Assert.Equal(20, rec.Items.Count);
            Assert.All(rec.Items, i => Assert.Contains(i.ItemId, targetItems));
            Assert.True(rec.Items.Zip(rec.Items.Skip(1)).All(p => p.First.Score >= p.Second.Score), "not ranked by score");
        }

        // And the endpoints report a ready processor and the counts on /metrics
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{run.Processor.MetricsPort}") };
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/ready")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains($"zesrec_events_consumed_total{{topic=\"{topics.Interactions}\"}} {expected}", metrics, StringComparison.Ordinal);
        Assert.Contains("zesrec_pipeline_event_to_recommendation_seconds_count", metrics, StringComparison.Ordinal);
        Assert.Contains("zesrec_catalog_items", metrics, StringComparison.Ordinal);

        // And every user's state and the offsets of every partition are in PostgreSQL
        Assert.Equal(harness.Target.Interactions.Select(i => i.UserId).Distinct().Count(), await CountAsync(schema.DataSource, "SELECT count(*) FROM user_states"));
        Assert.Equal(expected, await CountAsync(schema.DataSource, $"SELECT coalesce(sum(next_offset), 0) FROM input_offsets WHERE topic = '{topics.Interactions}'"));
    }

    [Fact]
    public async Task Restarted_processor_should_end_with_the_same_user_states_as_an_uninterrupted_run()
    {
        // Given the same replay into two fresh deployments
        await using var steady = await postgres.CreateSchemaAsync("steady");
        await using var restarted = await postgres.CreateSchemaAsync("restarted");
        var steadyTopics = Topics.Fresh(kafka);
        var restartedTopics = Topics.Fresh(kafka);
        using var producer = new KafkaProducer(kafka.Settings("restart-producer"));
        foreach (var t in new[] { steadyTopics, restartedTopics })
        {
            await ProcessorHarness.PublishItemsAsync(producer, t.Items, harness.Target.Items);
        }

        var total = harness.Target.Interactions.Count;

        // When one processor runs straight through
        var steadyOptions = harness.Options(kafka.Bootstrap, postgres.ConnectionString, steady.Name, steadyTopics, KafkaService.FreshGroup("steady"));
        await using (var run = await RunningProcessor.StartAsync(steadyOptions))
        {
            Assert.True(await Eventually.HoldsAsync(() => run.Processor.Catalog.Count == harness.Target.Items.Count, Patience));
            await ProcessorHarness.PublishInteractionsAsync(producer, steadyTopics.Interactions, harness.Target.Interactions);
            Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(steady.DataSource, steadyTopics.Interactions) == total, Patience));
        }

        // And the other is stopped part way through the interactions, then started again
        var restartedOptions = harness.Options(kafka.Bootstrap, postgres.ConnectionString, restarted.Name, restartedTopics, KafkaService.FreshGroup("restarted"));
        await using (var first = await RunningProcessor.StartAsync(restartedOptions))
        {
            Assert.True(await Eventually.HoldsAsync(() => first.Processor.Catalog.Count == harness.Target.Items.Count, Patience));
            await ProcessorHarness.PublishInteractionsAsync(producer, restartedTopics.Interactions, harness.Target.Interactions.Take(total / 2));
            Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(restarted.DataSource, restartedTopics.Interactions) >= total / 4, Patience));
        }

        await ProcessorHarness.PublishInteractionsAsync(producer, restartedTopics.Interactions, harness.Target.Interactions.Skip(total / 2));
        await using (var second = await RunningProcessor.StartAsync(restartedOptions))
        {
            Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(restarted.DataSource, restartedTopics.Interactions) == total, Patience));
        }

        // Then both hold the same users with the same histories, counts and states
        var a = await ProcessorStore.StatesAsync(steady.DataSource);
        var b = await ProcessorStore.StatesAsync(restarted.DataSource);
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var (user, row) in a)
        {
            var other = b[user];
            Assert.Equal(row.History, other.History);
            Assert.Equal(row.Interactions, other.Interactions);
            Assert.Equal(row.State.Length, other.State.Length);
            for (var i = 0; i < row.State.Length; i++)
            {
                Assert.True(Math.Abs(row.State[i] - other.State[i]) < 1e-4, $"user {user} state[{i}]: {row.State[i]} vs {other.State[i]}");
            }
        }

        Assert.Equal(total, a.Values.Sum(r => r.Interactions));
    }

    [Fact]
    public async Task Malformed_events_should_go_to_the_dead_letter_topic_while_the_stream_goes_on()
    {
        // Given a running processor with its catalogue loaded
        await using var schema = await postgres.CreateSchemaAsync("dlq");
        var topics = Topics.Fresh(kafka);
        await using var run = await RunningProcessor.StartAsync(harness.Options(kafka.Bootstrap, postgres.ConnectionString, schema.Name, topics, KafkaService.FreshGroup("dlq")));
        using var producer = new KafkaProducer(kafka.Settings("dlq-producer"));
        await ProcessorHarness.PublishItemsAsync(producer, topics.Items, harness.Target.Items);
        Assert.True(await Eventually.HoldsAsync(() => run.Processor.Catalog.Count == harness.Target.Items.Count, Patience));
        var valid = harness.Target.Interactions.Take(200).ToList();

        // When bad events are mixed into valid ones
        await ProcessorHarness.PublishInteractionsAsync(producer, topics.Interactions, valid.Take(100));
        await producer.ProduceAsync(topics.Interactions, "u-bad-1", "{not json"u8.ToArray());
        await producer.ProduceAsync(topics.Interactions, "u-bad-2", "{\"version\":9,\"userId\":\"x\",\"itemId\":\"y\",\"position\":1}"u8.ToArray());
        await producer.ProduceAsync(topics.Interactions, "u-bad-3", [0xff, 0xfe, 0x00]);
        await producer.ProduceAsync(topics.Interactions, "u-bad-4", EventJson.Serialize(new Data.Events.InteractionOccurred(1, "u-bad-4", "no-such-item", null, 1)));
        await producer.ProduceAsync(topics.Items, "item-bad", "{\"version\":1,\"itemId\":\"i\",\"text\":\"\"}"u8.ToArray());
        await ProcessorHarness.PublishInteractionsAsync(producer, topics.Interactions, valid.Skip(100));

        // Then each bad event is dead-lettered with its reason, and every valid one got its recommendation
        var letters = ProcessorHarness.ReadAll(kafka.Bootstrap, topics.DeadLetter, r => r.Count >= 5, Patience)
            .Select(r => EventJson.DeserializeDeadLetter(r.Message.Value)).ToList();
        Assert.Equal(
            new[] { "empty_text", "invalid_json", "invalid_utf8", "unknown_item", "unsupported_version" },
            letters.Select(l => l.ReasonCode).Order(StringComparer.Ordinal));
        Assert.All(letters, l => Assert.False(string.IsNullOrWhiteSpace(l.Reason)));
        Assert.Equal([0xff, 0xfe, 0x00], letters.Single(l => l.ReasonCode == "invalid_utf8").PayloadBytes());
        var recs = ProcessorHarness.ReadAll(kafka.Bootstrap, topics.Recommendations, r => r.Count >= valid.Count, Patience);
        Assert.Equal(valid.Count, recs.Count);
    }

    [Fact]
    public async Task Pgvector_scoring_should_rank_like_the_in_memory_matrix_when_no_index_approximates()
    {
        // Given the same replay served once with the device matrix and once by pgvector search
        var interactions = harness.Target.Interactions.Take(300).ToList();
        var results = new List<Dictionary<string, string[]>>();
        foreach (var scoring in new[] { "matrix", "pgvector" })
        {
            await using var schema = await postgres.CreateSchemaAsync("scoring");
            var topics = Topics.Fresh(kafka);
            var options = harness.Options(kafka.Bootstrap, postgres.ConnectionString, schema.Name, topics, KafkaService.FreshGroup("scoring"));
            options.Processing.Scoring = scoring;
            await using var run = await RunningProcessor.StartAsync(options);
            using var producer = new KafkaProducer(kafka.Settings("scoring-producer"));
            await ProcessorHarness.PublishItemsAsync(producer, topics.Items, harness.Target.Items);
            Assert.True(await Eventually.HoldsAsync(() => run.Processor.Catalog.Count == harness.Target.Items.Count, Patience));

            // When the interactions are replayed
            await ProcessorHarness.PublishInteractionsAsync(producer, topics.Interactions, interactions);
            var recs = ProcessorHarness.ReadAll(kafka.Bootstrap, topics.Recommendations, r => r.Count >= interactions.Count, Patience)
                .Select(r => EventJson.DeserializeRecommendation(r.Message.Value)).ToList();
            Assert.Equal(interactions.Count, recs.Count);
            results.Add(recs.ToDictionary(r => $"{r.SourcePartition}-{r.SourceOffset}", r => r.Items.Select(i => i.ItemId).ToArray()));
        }

        // Then (exact search, no index yet) both give the same top item for practically every interaction
        var same = results[0].Count(kv => results[1][kv.Key][0] == kv.Value[0]);
        Assert.True(same >= interactions.Count * 0.95, $"{same} of {interactions.Count} top items agree");
        Assert.All(results[1].Values, items => Assert.Equal(20, items.Length));
    }

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
