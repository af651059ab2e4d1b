using CsCheck;
using Npgsql;
using ZesRec.Streaming.Storage;
using ZesRec.Streaming.Tests.Fixtures;

namespace ZesRec.Streaming.Tests;

/// <summary>Rows belong to a model version; the store records the serving one and refuses any other.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class StoreVersionTests(PostgresService postgres)
{
    private const string Topic = "zesrec.interactions";

    // The tables of schema version 1, as stores made before model versions have them.
    private const string SchemaV1Sql = """
        CREATE TABLE items (
            item_id    text PRIMARY KEY,
            text       text NOT NULL,
            embedding  vector(4) NOT NULL,
            created_at timestamptz,
            stored_at  timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE user_states (
            user_id      text PRIMARY KEY,
            partition    int NOT NULL CHECK (partition >= 0),
            state        real[] NOT NULL,
            history      text[] NOT NULL,
            last_order   bigint NOT NULL,
            interactions bigint NOT NULL CHECK (interactions >= 0),
            last_key     bigint,
            updated_at   timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX user_states_partition_idx ON user_states (partition);
        CREATE TABLE input_offsets (
            topic       text NOT NULL,
            partition   int NOT NULL,
            next_offset bigint NOT NULL CHECK (next_offset >= 0),
            PRIMARY KEY (topic, partition)
        );
        CREATE TABLE schema_version (
            only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
            version   int NOT NULL,
            dimension int NOT NULL
        );
        INSERT INTO schema_version (version, dimension) VALUES (1, 4);
        INSERT INTO items (item_id, text, embedding) VALUES ('i1', 'a pen', '[1,0,0,0]'), ('i2', 'a desk', '[0,1,0,0]');
        INSERT INTO user_states (user_id, partition, state, history, last_order, interactions, last_key)
        VALUES ('u1', 0, '{0.5,0.25}', '{i1,i2}', 41, 2, 1700000000), ('u2', 1, '{1,2}', '{i2}', 7, 1, NULL);
        INSERT INTO input_offsets VALUES ('zesrec.interactions', 0, 42), ('zesrec.interactions', 1, 8);
        """;

    [Fact]
    public async Task Ensure_should_record_the_first_model_and_refuse_another_naming_both_and_the_upgrade()
    {
        // Given a new store opened by one model
        await using var schema = await postgres.CreateSchemaAsync("version_refuse");
        var first = await StoreSchema.EnsureAsync(schema.DataSource, 8, "gru4rec-aaaaaaaaaaaa");

        // When the same model opens it again, and then another model of the same dimension
        var again = await StoreSchema.EnsureAsync(schema.DataSource, 8, "gru4rec-aaaaaaaaaaaa");
        var error = await Assert.ThrowsAsync<ModelVersionMismatchException>(() => StoreSchema.EnsureAsync(schema.DataSource, 8, "tcn-bbbbbbbbbbbb"));

        // Then the first model serves it, and the refusal names both versions and the way to upgrade
        Assert.Equal("gru4rec-aaaaaaaaaaaa", first.ServingVersion);
        Assert.Null(first.MigrationNote);
        Assert.Equal("gru4rec-aaaaaaaaaaaa", again.ServingVersion);
        Assert.Contains("gru4rec-aaaaaaaaaaaa", error.Message, StringComparison.Ordinal);
        Assert.Contains("tcn-bbbbbbbbbbbb", error.Message, StringComparison.Ordinal);
        Assert.Contains("zesrec upgrade --model", error.Message, StringComparison.Ordinal);
        Assert.Equal("gru4rec-aaaaaaaaaaaa", await StoreSchema.ServingVersionAsync(schema.DataSource));
    }

    [Fact]
    public async Task Ensure_should_refuse_a_model_of_another_dimension_as_not_upgradable_in_place()
    {
        // Given a store of dimension 8
        await using var schema = await postgres.CreateSchemaAsync("version_dim");
        await StoreSchema.EnsureAsync(schema.DataSource, 8, "gru4rec-aaaaaaaaaaaa");

        // When a model of dimension 16 opens it
        var error = await Assert.ThrowsAsync<ModelVersionMismatchException>(() => StoreSchema.EnsureAsync(schema.DataSource, 16, "gru4rec-cccccccccccc"));

        // Then the refusal says why an upgrade cannot help
        Assert.Contains("cannot be upgraded in place", error.Message, StringComparison.Ordinal);
        Assert.Contains("gru4rec-cccccccccccc", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ensure_should_migrate_a_store_from_before_versions_and_give_its_rows_to_the_first_model()
    {
        // Given a store of schema version 1 with items, user states and offsets
        await using var schema = await postgres.CreateSchemaAsync("version_migrate");
        await using (var create = schema.DataSource.CreateCommand(SchemaV1Sql))
        {
            await create.ExecuteNonQueryAsync();
        }

        // When a model opens it
        var opening = await StoreSchema.EnsureAsync(schema.DataSource, 4, "hrnn-dddddddddddd");

        // Then the model adopted every row, said so, and reads them back under the new column names
        Assert.Equal((1, 2L, 2L), (opening.PreviousSchemaVersion, opening.AdoptedItems, opening.AdoptedUsers));
        Assert.Contains("hrnn-dddddddddddd adopted its 2 item vectors and 2 user states", opening.MigrationNote, StringComparison.Ordinal);
        var states = await new StateStore(schema.DataSource, "hrnn-dddddddddddd").LoadAsync(Topic, [0, 1]);
        var u1 = Assert.Single(states.States, s => s.UserId == "u1");
        Assert.Equal((41L, 2L, (long?)1_700_000_000L, (long[]?)null), (u1.LastOffset, u1.Interactions, u1.LastOrderKey, u1.HistoryKeys));
        Assert.Equal(["i1", "i2"], u1.History);
        Assert.Equal(new Dictionary<int, long?> { [0] = 42L, [1] = 8L }, states.NextOffsets);
        var items = await new ItemStore(schema.DataSource, "hrnn-dddddddddddd").LoadAllAsync().ToListAsync();
        Assert.Equal(["i1", "i2"], items.Select(i => i.ItemId));

        // And the store is now served by that model: another is refused, the same one opens it without migrating again
        await Assert.ThrowsAsync<ModelVersionMismatchException>(() => StoreSchema.EnsureAsync(schema.DataSource, 4, "hrnn-eeeeeeeeeeee"));
        Assert.Null((await StoreSchema.EnsureAsync(schema.DataSource, 4, "hrnn-dddddddddddd")).MigrationNote);
    }

    [Fact]
    public async Task Rows_of_two_versions_should_never_mix()
    {
        // Given a store in which two versions write states and items for overlapping users and items
        await using var schema = await postgres.CreateSchemaAsync("version_apart");
        await StoreSchema.EnsureAsync(schema.DataSource, 8, "a-000000000000");
        var gen = Gen.Select(Gen.Int[1, 30], Gen.Int[1, 30], Gen.Int[0, 1000]);
        await gen.SampleAsync(
            async (usersA, usersB, seed) =>
            {
                // Fresh version names per sample: a repeated seed must not find the rows of an earlier sample.
                var id = Guid.NewGuid().ToString("N")[..12];
                var a = new StateStore(schema.DataSource, $"a-{id}");
                var b = new StateStore(schema.DataSource, $"b-{id}");
                var statesA = StoreTestData.States(usersA, partitions: 1, seed: seed);
                var statesB = StoreTestData.States(usersB, partitions: 1, seed: seed + 1);
                await a.FlushAsync(statesA, []);
                await b.FlushAsync(statesB, []);
                var itemsA = StoreTestData.Items(usersA, 8, seed);
                await new ItemStore(schema.DataSource, $"a-{id}").UpsertAsync(itemsA);

                // When each version loads, then it gets exactly its own rows
                var loadedA = (await a.LoadAsync(Topic, [0])).States;
                var loadedB = (await b.LoadAsync(Topic, [0])).States;
                var itemsB = await new ItemStore(schema.DataSource, $"b-{id}").LoadAllAsync().ToListAsync();
                Assert.Equal(statesA.Select(s => s.State), loadedA.Select(s => s.State));
                Assert.Equal(statesB.Select(s => s.State), loadedB.Select(s => s.State));
                Assert.Empty(itemsB);
            },
            iter: 10,
            threads: 1);
    }
}
