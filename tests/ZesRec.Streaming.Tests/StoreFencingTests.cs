using ZesRec.Streaming.Storage;
using ZesRec.Streaming.Tests.Fixtures;

namespace ZesRec.Streaming.Tests;

/// <summary>
/// The partition epochs of <see cref="StateStore"/>: a member's claim on assignment fences every earlier owner, whose
/// flushes of that partition are then refused whole, while flushes of partitions it still owns go on.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class StoreFencingTests(PostgresService postgres)
{
    private const string Topic = "zesrec.interactions";

    [Fact]
    public async Task Flush_of_a_member_whose_partition_was_claimed_since_should_be_refused_and_write_nothing()
    {
        // Given member a that claimed partitions 0 and 1 and flushed them once
        await using var schema = await postgres.CreateSchemaAsync("fencing");
        await StoreSchema.EnsureAsync(schema.DataSource, 8, StoreTestData.ModelVersion);
        var a = new StateStore(schema.DataSource, StoreTestData.ModelVersion);
        var b = new StateStore(schema.DataSource, StoreTestData.ModelVersion);
        var aEpochs = await a.ClaimAsync(Topic, [0, 1], "a");
        var first = StoreTestData.States(20, partitions: 2, seed: 1);
        await a.FlushAsync(first, [(Topic, 0, 10L), (Topic, 1, 10L)], fence: new PartitionFence(Topic, aEpochs));

        // When member b takes partition 1 over (a paused past the session timeout) and flushes it
        var bEpochs = await b.ClaimAsync(Topic, [1], "b");
        var second = StoreTestData.States(20, partitions: 2, seed: 2).Where(s => s.Partition == 1).ToList();
        await b.FlushAsync(second, [(Topic, 1, 20L)], fence: new PartitionFence(Topic, bEpochs));

        // Then a's stale flush of both partitions is refused, naming partition 1, and leaves b's states and offsets as they were
        var stale = StoreTestData.States(20, partitions: 2, seed: 3);
        var refused = await Assert.ThrowsAsync<PartitionFencedException>(() =>
            a.FlushAsync(stale, [(Topic, 0, 30L), (Topic, 1, 30L)], fence: new PartitionFence(Topic, aEpochs)));
        Assert.Equal([1], refused.Partitions);
        Assert.Equal((1L, 2L), (aEpochs[1], bEpochs[1]));
        var stored = await b.LoadAsync(Topic, [0, 1]);
        Assert.Equal(new Dictionary<int, long?> { [0] = 10L, [1] = 20L }, stored.NextOffsets);
        Assert.Equal(second.Select(s => s.State), stored.States.Where(s => s.Partition == 1).OrderBy(s => s.UserId, StringComparer.Ordinal).Select(s => s.State));

        // And a's flush of partition 0 alone, which it still owns, is written
        await a.FlushAsync([.. stale.Where(s => s.Partition == 0)], [(Topic, 0, 30L)], fence: new PartitionFence(Topic, new Dictionary<int, long> { [0] = aEpochs[0] }));
        Assert.Equal(30L, (await a.LoadOffsetsAsync(Topic, [0]))[0]);
    }
}
