using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Observability;
using ZesRec.Streaming.Tests.Fixtures;

namespace ZesRec.Streaming.Tests;

/// <summary>
/// A TCN store holds each user's history, not the state vector: users evicted and read back get their states rebuilt
/// from it, and must then be recommended exactly what a processor that never dropped them recommends.
/// </summary>
[Collection(ModelChangeCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class ProcessorTcnReadBackTests(KafkaService kafka, PostgresService postgres, ProcessorHarness harness, OtherModels others)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Tcn_processor_capped_at_two_users_should_publish_the_recommendations_of_an_uncapped_one()
    {
        // Given the same interactions, published in two halves (so every user returns after its eviction), into a
        // TCN deployment holding every user and one holding at most 2 between batches of 16
        await using var unbounded = await postgres.CreateSchemaAsync("tcn_unbounded");
        await using var capped = await postgres.CreateSchemaAsync("tcn_capped");
        var unboundedTopics = Topics.Fresh(kafka);
        var cappedTopics = Topics.Fresh(kafka);
        using var producer = new KafkaProducer(kafka.Settings("tcn-readback-producer"));
        var byUser = harness.Target.Interactions.GroupBy(i => i.UserId).Select(g => g.OrderBy(i => i.OrderKey).ToList()).ToList();
        var first = byUser.SelectMany(u => u.Take((u.Count + 1) / 2)).ToList();
        var second = byUser.SelectMany(u => u.Skip((u.Count + 1) / 2)).ToList();
        var rebuiltBefore = ZesRecMetrics.StatesRebuilt.Value;

        // When both apply every interaction
        foreach (var (schema, topics, cap) in new[] { (unbounded, unboundedTopics, 0), (capped, cappedTopics, 2) })
        {
            await ProcessorHarness.PublishItemsAsync(producer, topics.Items, harness.Target.Items);
            var options = harness.Options(kafka.Bootstrap, postgres.ConnectionString, schema.Name, topics, KafkaService.FreshGroup("tcn-readback"));
            options.ModelDir = others.TcnDir;
            options.Processing.MaxUsers = cap;
            options.Processing.InteractionBatchSize = 16;
            await using var run = await RunningProcessor.StartAsync(options);
            Assert.True(await Eventually.HoldsAsync(() => run.Processor.Catalog.Count == harness.Target.Items.Count, Patience));
            await ProcessorHarness.PublishInteractionsAsync(producer, topics.Interactions, first);
            Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(schema.DataSource, topics.Interactions) == first.Count, Patience));
            await ProcessorHarness.PublishInteractionsAsync(producer, topics.Interactions, second);
            Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(schema.DataSource, topics.Interactions) == first.Count + second.Count, Patience));
        }

        // Then the stores hold histories without state vectors, the capped one rebuilt returning users' states,
        // and every interaction got the same ranking from both, score by score
        var stored = await ProcessorStore.StatesAsync(capped.DataSource);
        Assert.Equal(byUser.Count, stored.Count);
        Assert.All(stored.Values, row => Assert.Empty(row.State));
        Assert.True(ZesRecMetrics.StatesRebuilt.Value - rebuiltBefore > 0, "no state was rebuilt from a history");
        var total = first.Count + second.Count;
        var expected = Latest(TopicReader.Recommendations(kafka.Bootstrap, unboundedTopics.Recommendations, total));
        var actual = Latest(TopicReader.Recommendations(kafka.Bootstrap, cappedTopics.Recommendations, total));
        Assert.Equal(total, expected.Count);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (source, scores) in expected)
        {
            Assert.Equal(scores.Length, actual[source].Length);
            var worst = scores.Zip(actual[source]).Max(p => Math.Abs(p.First - p.Second) / Math.Max(1, Math.Abs(p.First)));
            Assert.True(worst < 1e-4, $"interaction at partition {source.Partition}, offset {source.Offset}: scores differ by {worst}");
        }
    }

    // Scores by rank (item ids may swap on a tie) of the last recommendation for each source interaction.
    private static Dictionary<(int Partition, long Offset), float[]> Latest(IEnumerable<Data.Events.RecommendationPublished> published) =>
        published.GroupBy(r => (r.SourcePartition, r.SourceOffset)).ToDictionary(g => g.Key, g => g.Last().Items.Select(i => i.Score).ToArray());
}
