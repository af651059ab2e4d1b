using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Observability;
using ZesRec.Streaming.Tests.Fixtures;

namespace ZesRec.Streaming.Tests;

[Collection(ProcessorCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class ProcessorBoundedStateTests(KafkaService kafka, PostgresService postgres, ProcessorHarness harness)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

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
            await ProcessorHarness.PublishInteractionsAsync(producer, unboundedTopics.Interactions, harness.Target.Interactions);
            Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(unbounded.DataSource, unboundedTopics.Interactions) == total, Patience));
        }

        Assert.Equal(evictedBefore, ZesRecMetrics.UsersEvicted.Value);
        var cappedOptions = harness.Options(kafka.Bootstrap, postgres.ConnectionString, capped.Name, cappedTopics, KafkaService.FreshGroup("capped"));
        cappedOptions.Processing.MaxUsers = 2;
        cappedOptions.Processing.InteractionBatchSize = 16;
        await using (var run = await RunningProcessor.StartAsync(cappedOptions))
        {
            Assert.True(await Eventually.HoldsAsync(() => run.Processor.Catalog.Count == harness.Target.Items.Count, Patience));
            await ProcessorHarness.PublishInteractionsAsync(producer, cappedTopics.Interactions, harness.Target.Interactions);
            Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(capped.DataSource, cappedTopics.Interactions) == total, Patience));
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
