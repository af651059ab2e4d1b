using Npgsql;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Observability;
using ZesRec.Streaming.Tests.Fixtures;

namespace ZesRec.Streaming.Tests;

// In the collection of ProcessorTcnReadBackTests, the other test that evicts users: the eviction counter is
// process-wide, and this test counts its own evictions on it.
[Collection(ModelChangeCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class ProcessorBoundedStateTests(KafkaService kafka, PostgresService postgres, ProcessorHarness harness)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Publishes the first half of every user's interactions, waits until they are applied, then the second halves:
    /// by then the capped processor holds at most the cap plus its unflushed batches, so users come back after an
    /// eviction whatever the order in which the partitions are read.
    /// </summary>
    private async Task ReplayInTwoHalvesAsync(KafkaProducer producer, string topic, NpgsqlDataSource store)
    {
        var byUser = harness.Target.Interactions.GroupBy(i => i.UserId).Select(g => g.OrderBy(i => i.OrderKey).ToList()).ToList();
        var first = byUser.SelectMany(u => u.Take((u.Count + 1) / 2)).ToList();
        var second = byUser.SelectMany(u => u.Skip((u.Count + 1) / 2)).ToList();
        await ProcessorHarness.PublishInteractionsAsync(producer, topic, first);
        Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(store, topic) == first.Count, Patience));
        await ProcessorHarness.PublishInteractionsAsync(producer, topic, second);
        Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(store, topic) == first.Count + second.Count, Patience));
    }

    [Fact]
    public async Task Processor_capped_at_two_users_should_end_with_the_states_of_an_uncapped_run()
    {
        // Given the same replay into two fresh deployments, one holding every user, one at most 2 between batches
        // (small batches, so users are evicted and read back many times)
        await using var unbounded = await postgres.CreateSchemaAsync("unbounded");
        await using var capped = await postgres.CreateSchemaAsync("capped");
        var unboundedTopics = Topics.Fresh(kafka);
        var cappedTopics = Topics.Fresh(kafka);
        using var producer = new KafkaProducer(kafka.Settings("bounded-producer"));
        foreach (var t in new[] { unboundedTopics, cappedTopics })
        {
            await ProcessorHarness.PublishItemsAsync(producer, t.Items, harness.Target.Items);
        }

        var total = harness.Target.Interactions.Count;
        var evictedBefore = ZesRecMetrics.UsersEvicted.Value;
        var loadedBefore = ZesRecMetrics.UsersLoaded.Value;

        // When both apply every interaction
        var unboundedOptions = harness.Options(kafka.Bootstrap, postgres.ConnectionString, unbounded.Name, unboundedTopics, KafkaService.FreshGroup("unbounded"));
        await using (var run = await RunningProcessor.StartAsync(unboundedOptions))
        {
            Assert.True(await Eventually.HoldsAsync(() => run.Processor.Catalog.Count == harness.Target.Items.Count, Patience));
            await ReplayInTwoHalvesAsync(producer, unboundedTopics.Interactions, unbounded.DataSource);
        }

        Assert.Equal(evictedBefore, ZesRecMetrics.UsersEvicted.Value);
        var cappedOptions = harness.Options(kafka.Bootstrap, postgres.ConnectionString, capped.Name, cappedTopics, KafkaService.FreshGroup("capped"));
        cappedOptions.Processing.MaxUsers = 2;
        cappedOptions.Processing.InteractionBatchSize = 16;
        await using (var run = await RunningProcessor.StartAsync(cappedOptions))
        {
            Assert.True(await Eventually.HoldsAsync(() => run.Processor.Catalog.Count == harness.Target.Items.Count, Patience));
            await ReplayInTwoHalvesAsync(producer, cappedTopics.Interactions, capped.DataSource);
        }

        // And the capped run evicted users and read returning ones back, ending with the same states
        var evicted = ZesRecMetrics.UsersEvicted.Value - evictedBefore;
        var loaded = ZesRecMetrics.UsersLoaded.Value - loadedBefore;
        var users = harness.Target.Interactions.Select(i => i.UserId).Distinct().Count();
        // Then memory held at most the cap plus the users of the batches not yet flushed (four of 16): every other
        // user was evicted at least once. (The users-in-memory gauge is not read: processors of tests running beside
        // this one in the same process set it too.)
        Assert.True(evicted >= users - (2 + (4 * 16)), $"evicted {evicted} of {users} users");
        Assert.True(loaded > 0, "no returning user was read back");
        var expected = await ProcessorStore.StatesAsync(unbounded.DataSource);
        ProcessorStore.AssertSameStates(expected, await ProcessorStore.StatesAsync(capped.DataSource));
        Assert.Equal(total, expected.Values.Sum(r => r.Interactions));
    }
}
