using Npgsql;
using ZesRec.Streaming.Storage;
using ZesRec.Streaming.Tests.Fixtures;

namespace ZesRec.Streaming.Tests;

[Collection(PostgresCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class StoreStateTests(PostgresService postgres)
{
    private const string Topic = "zesrec.interactions";

    // 10 goes through the batched INSERT path, 500 through binary COPY.
    [Theory]
    [InlineData(10)]
    [InlineData(500)]
    public async Task Load_should_return_exactly_the_flushed_states_and_offsets_of_the_asked_partitions(int users)
    {
        // Given states of users spread over 4 partitions, and offsets of partitions 0 to 2
        await using var schema = await postgres.CreateSchemaAsync("state_roundtrip");
        await StoreSchema.EnsureAsync(schema.DataSource, 8, StoreTestData.ModelVersion);
        var store = new StateStore(schema.DataSource, StoreTestData.ModelVersion);
        var states = StoreTestData.States(users, partitions: 4, seed: users);
        await store.FlushAsync(states, [(Topic, 0, 17L), (Topic, 1, 42L), (Topic, 2, 7L), ("other.topic", 1, 99L)]);

        // When partitions 1 and 3 are taken over
        var loaded = await store.LoadAsync(Topic, [1, 3]);

        // Then their users come back bit for bit, and partition 3 has no offset yet
        var expected = states.Where(s => s.Partition is 1 or 3).OrderBy(s => s.UserId, StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Count, loaded.States.Count);
        foreach (var (want, got) in expected.Zip(loaded.States))
        {
            AssertSameState(want, got);
        }

        Assert.Equal(new Dictionary<int, long?> { [1] = 42L, [3] = null }, loaded.NextOffsets);
    }

    // 600 floats: a GRU4Rec state with the skip-last-item output (2.4 kB); 2,000 (8 kB and the rest of the row): past a
    // page, still toasted. Repeating floats compress well, so a row that was compressed on its way (by the batched
    // INSERT or the COPY's staging table) would show; random floats do not, so a row moved out of line shows in the
    // TOAST table's size.
    [Theory]
    [InlineData(600, false, 1000)]
    [InlineData(600, true, 1000)]
    [InlineData(600, true, 1)]
    [InlineData(2000, false, 1000)]
    public async Task Flush_should_keep_a_state_row_up_to_a_page_in_line_and_uncompressed(int floats, bool repeating, int copyThreshold)
    {
        // Given a store, and 10 users with state vectors of the given length
        await using var schema = await postgres.CreateSchemaAsync("state_inline");
        await StoreSchema.EnsureAsync(schema.DataSource, 8, StoreTestData.ModelVersion);
        await StoreSchema.EnsureAsync(schema.DataSource, 8, StoreTestData.ModelVersion);
        var store = new StateStore(schema.DataSource, StoreTestData.ModelVersion, copyThreshold);
        var random = new Random(floats);
        var states = StoreTestData.States(10, partitions: 1, seed: 3)
            .Select(s => s with { State = [.. Enumerable.Range(0, floats).Select(i => repeating ? i % 4 : random.NextSingle())] })
            .ToList();

        // When they are flushed
        await store.FlushAsync(states, [(Topic, 0, 10L)]);

        // Then no row is compressed, a row up to a page stays in the table (a longer one goes to the TOAST table), and
        // each reads back bit for bit
        await using var command = schema.DataSource.CreateCommand(
            "SELECT count(*) FILTER (WHERE pg_column_compression(state) IS NOT NULL), min(pg_column_size(state)) FROM user_states");
        await using (var reader = await command.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.Equal(0L, reader.GetInt64(0));
            Assert.True(reader.GetInt32(1) >= floats * 4, $"state stored in {reader.GetInt32(1)} bytes");
        }

        await using var external = schema.DataSource.CreateCommand(
            "SELECT pg_relation_size(reltoastrelid) FROM pg_class WHERE oid = to_regclass('user_states')");
        Assert.Equal(floats > 1000, (long)(await external.ExecuteScalarAsync())! > 0);
        var loaded = await store.LoadAsync(Topic, [0]);
        foreach (var (want, got) in states.OrderBy(s => s.UserId, StringComparer.Ordinal).Zip(loaded.States))
        {
            AssertSameState(want, got);
        }
    }

    [Fact]
    public async Task Flush_should_replace_states_and_advance_offsets_when_flushed_again()
    {
        // Given
        await using var schema = await postgres.CreateSchemaAsync("state_again");
        await StoreSchema.EnsureAsync(schema.DataSource, 8, StoreTestData.ModelVersion);
        var store = new StateStore(schema.DataSource, StoreTestData.ModelVersion);
        var states = StoreTestData.States(100, partitions: 1, seed: 1);
        await store.FlushAsync(states, [(Topic, 0, 100L)]);

        // When
        var later = states.Select(s => s with { Interactions = s.Interactions + 1, History = [.. s.History, "next"] }).ToList();
        await store.FlushAsync(later, [(Topic, 0, 200L)]);

        // Then
        var loaded = await store.LoadAsync(Topic, [0]);
        Assert.Equal(100, loaded.States.Count);
        foreach (var (want, got) in later.Zip(loaded.States))
        {
            AssertSameState(want, got);
        }

        Assert.Equal(200L, loaded.NextOffsets[0]);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(500)]
    public async Task Flush_should_change_neither_states_nor_offsets_when_a_row_fails_midway(int users)
    {
        // Given a flushed store
        await using var schema = await postgres.CreateSchemaAsync("state_atomic");
        await StoreSchema.EnsureAsync(schema.DataSource, 8, StoreTestData.ModelVersion);
        var store = new StateStore(schema.DataSource, StoreTestData.ModelVersion);
        var before = StoreTestData.States(users, partitions: 2, seed: 7);
        await store.FlushAsync(before, [(Topic, 0, 10L), (Topic, 1, 20L)]);

        // When a later flush (offsets first, then states) holds a state the database refuses, past the middle
        var after = before.Select(s => s with { Interactions = s.Interactions + 10, LastOffset = s.LastOffset + 10 }).ToList();
        after.Add(new UserStateRow("new-user", 0, [1f], [], 1, 1));
        after[users * 3 / 4] = after[users * 3 / 4] with { Interactions = -1 };
        var error = await Assert.ThrowsAsync<PostgresException>(() => store.FlushAsync(after, [(Topic, 0, 1_000L), (Topic, 1, 2_000L)]));

        // Then the check constraint stopped it, and the store is as it was before the flush
        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
        var loaded = await store.LoadAsync(Topic, [0, 1]);
        Assert.Equal(new Dictionary<int, long?> { [0] = 10L, [1] = 20L }, loaded.NextOffsets);
        Assert.Equal(users, loaded.States.Count);
        foreach (var (want, got) in before.OrderBy(s => s.UserId, StringComparer.Ordinal).Zip(loaded.States))
        {
            AssertSameState(want, got);
        }
    }

    private static void AssertSameState(UserStateRow want, UserStateRow got)
    {
        Assert.Equal(want.UserId, got.UserId);
        Assert.Equal(want.Partition, got.Partition);
        Assert.Equal(want.State, got.State);
        Assert.Equal(want.History, got.History);
        Assert.Equal(want.LastOffset, got.LastOffset);
        Assert.Equal(want.Interactions, got.Interactions);
        Assert.Equal(want.LastOrderKey, got.LastOrderKey);
        Assert.Equal(want.HistoryKeys, got.HistoryKeys);
    }
}
