using Npgsql;
using Pgvector;
using ZesRec.Data.Events;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Observability;
using ZesRec.Streaming.Tests.Fixtures;

namespace ZesRec.Streaming.Tests;

/// <summary>
/// item-updated, item-removed and the freshness policy against a real processor, broker and database: an update
/// re-encodes the item under the same id (stored text and vector, the scores it gets), a removed item is never
/// recommended again though interactions with it still count, a stale item is no candidate, and an interaction
/// steps with the item's vector as the catalogue held it when its batch began.
/// </summary>
[Collection(ProcessorCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class ProcessorItemLifecycleTests(KafkaService kafka, PostgresService postgres, ProcessorHarness harness)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Updated_removed_and_stale_items_should_change_the_candidates_and_an_interaction_should_use_the_vector_of_its_batch()
    {
        // Given a processor with a one-hour maximum item age, serving the tiny Office items (no creation time: they never
        // expire), one item created ten minutes ago and one created two hours ago
        await using var schema = await postgres.CreateSchemaAsync("lifecycle");
        var topics = Topics.Fresh(kafka);
        var options = harness.Options(kafka.Bootstrap, postgres.ConnectionString, schema.Name, topics, KafkaService.FreshGroup("lifecycle"));
        options.Items.MaxAgeHours = 1;
        await using var run = await RunningProcessor.StartAsync(options);
        var catalog = run.Processor.Catalog;
        using var producer = new KafkaProducer(kafka.Settings("lifecycle-producer"));
        var items = harness.Target.Items;
        var now = DateTimeOffset.UtcNow;
        var fresh = new ItemCreated(1, "fresh-item", items[0].Text + " (today)", now.AddMinutes(-10));
        var stale = new ItemCreated(1, "stale-item", items[1].Text + " (yesterday)", now.AddHours(-2));
        var (updated0, removed0, expired0) = (ZesRecMetrics.ItemsUpdated.Value, ZesRecMetrics.ItemsRemoved.Value, ZesRecMetrics.ItemsExpired.Value);
        await ProcessorHarness.PublishItemsAsync(producer, topics.Items, [.. items, fresh, stale]);
        Assert.True(await Eventually.HoldsAsync(() => catalog.Count == items.Count + 2, Patience), $"catalogue has {catalog.Count} items");

        // Then the stale item is no candidate and counted as expired; the fresh one is a candidate
        Assert.True(await Eventually.HoldsAsync(() => catalog.CandidateCount == items.Count + 1, Patience), $"{catalog.CandidateCount} candidates");
        Assert.Equal(1, ZesRecMetrics.ItemsExpired.Value - expired0);

        // When a new user interacts with an item, X is an item outside the user's recommendation and Y is its first item
        var anchor = items[2].ItemId;
        var first = await InteractAsync(producer, topics, "u-before", anchor, 0);
        var y = first.Items[0].ItemId;
        var x = items.Select(i => i.ItemId).First(id => id != anchor && first.Items.All(r => r.ItemId != id));
        var yText = items.Single(i => i.ItemId == y).Text;
        var xVectorBefore = await VectorAsync(schema.DataSource, x);
        await InteractAsync(producer, topics, "r-old", x, 0);

        // And X is updated to Y's text
        await producer.ProduceAsync(topics.Items, x, EventJson.Serialize(new ItemUpdated(1, x, yText, now)));
        Assert.True(await Eventually.HoldsAsync(() => ZesRecMetrics.ItemsUpdated.Value - updated0 == 1, Patience), "the update was never applied");

        // Then X keeps its id with Y's text and vector in PostgreSQL, and a user like the first one now gets X beside Y, with Y's score
        Assert.Equal(yText, await TextAsync(schema.DataSource, x));
        var xVector = await VectorAsync(schema.DataSource, x);
        Assert.False(xVectorBefore.Zip(xVector).All(p => Math.Abs(p.First - p.Second) < 1e-4), "X's stored vector did not change");
        AssertClose(await VectorAsync(schema.DataSource, y), xVector, "the stored vectors of X and Y");
        var second = await InteractAsync(producer, topics, "u-after", anchor, 0);
        Assert.Contains(second.Items, r => r.ItemId == x);
        Assert.Equal(second.Items.Single(r => r.ItemId == y).Score, second.Items.Single(r => r.ItemId == x).Score, 4);

        // And an interaction with X applied before the update stepped with the old vector, one after it with the new
        // one: the later user's state equals that of a user who met Y, and the earlier user's state is not recomputed
        await InteractAsync(producer, topics, "r-new", x, 0);
        await InteractAsync(producer, topics, "r-y", y, 0);
        var states = await ProcessorStore.StatesAsync(schema.DataSource);
        AssertClose(states["r-y"].State, states["r-new"].State, "states of a user who met the updated X and one who met Y");
        Assert.False(states["r-old"].State.Zip(states["r-new"].State).All(p => Math.Abs(p.First - p.Second) < 1e-4), "the state before the update equals the one after");

        // When Y is removed
        await producer.ProduceAsync(topics.Items, y, EventJson.Serialize(new ItemRemoved(1, y, now)));
        Assert.True(await Eventually.HoldsAsync(() => catalog.StateOf(y) is { Removed: true }, Patience), "Y was never removed");

        // Then Y is no candidate and never recommended again, an interaction with Y still counts for its user, and the
        // stale item never appeared
        Assert.Equal(1, ZesRecMetrics.ItemsRemoved.Value - removed0);
        Assert.Equal(items.Count, catalog.CandidateCount);
        var third = await InteractAsync(producer, topics, "u-removed", anchor, 0);
        var afterY = await InteractAsync(producer, topics, "u-before", y, 1, count: 2);
        Assert.DoesNotContain(third.Items, r => r.ItemId == y);
        Assert.Equal([anchor, y], (await ProcessorStore.StatesAsync(schema.DataSource))["u-before"].History);
        Assert.NotNull(await RemovedAtAsync(schema.DataSource, y));
        Assert.All(new[] { first, second, third, afterY }, r => Assert.DoesNotContain(r.Items, i => i.ItemId == stale.ItemId));

        // And an update or removal of an item never created, and a removal without an id, are dead-lettered with their reasons
        await producer.ProduceAsync(topics.Items, "never-created", EventJson.Serialize(new ItemUpdated(1, "never-created", "text")));
        await producer.ProduceAsync(topics.Items, null, """{"version":1,"type":"item-removed"}"""u8.ToArray());
        var dead = ProcessorHarness.ReadAll(kafka.Bootstrap, topics.DeadLetter, r => r.Count >= 2, Patience)
            .Select(r => EventJson.DeserializeDeadLetter(r.Message.Value)).ToList();
        Assert.Equal([ReasonCodes.MissingField, ReasonCodes.UnknownItem], dead.Select(d => d.ReasonCode).Order());
        Assert.Contains("not in the catalogue", dead.Single(d => d.ReasonCode == ReasonCodes.UnknownItem).Reason, StringComparison.Ordinal);
    }

    /// <summary>Publishes one interaction and returns the recommendation it gave (the user's <paramref name="count"/>-th).</summary>
    private async Task<RecommendationPublished> InteractAsync(KafkaProducer producer, Topics topics, string user, string item, long position, int count = 1)
    {
        await producer.ProduceAsync(topics.Interactions, user, EventJson.Serialize(new InteractionOccurred(1, user, item, null, position)));
        var recs = ProcessorHarness.ReadAll(kafka.Bootstrap, topics.Recommendations, r => r.Count(m => m.Message.Key == user) >= count, Patience)
            .Where(r => r.Message.Key == user).Select(r => EventJson.DeserializeRecommendation(r.Message.Value)).ToList();
        Assert.True(recs.Count >= count, $"no recommendation for {user}'s interaction with {item}");
        return recs.OrderBy(r => r.SourceOffset).Last();
    }

    private static void AssertClose(float[] expected, float[] actual, string what) =>
        Assert.True(expected.Length == actual.Length && expected.Zip(actual).All(p => Math.Abs(p.First - p.Second) < 1e-4), $"{what} differ");

    private static async Task<float[]> VectorAsync(NpgsqlDataSource dataSource, string itemId) =>
        (await ScalarAsync<Vector>(dataSource, "SELECT embedding FROM items WHERE item_id = $1", itemId)).ToArray();

    private static Task<string> TextAsync(NpgsqlDataSource dataSource, string itemId) =>
        ScalarAsync<string>(dataSource, "SELECT text FROM items WHERE item_id = $1", itemId);

    private static async Task<DateTime?> RemovedAtAsync(NpgsqlDataSource dataSource, string itemId) =>
        await ScalarAsync<object>(dataSource, "SELECT removed_at FROM items WHERE item_id = $1", itemId) as DateTime?;

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql, string itemId)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = itemId });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"item {itemId} is not stored");
        return reader.GetFieldValue<T>(0);
    }
}
