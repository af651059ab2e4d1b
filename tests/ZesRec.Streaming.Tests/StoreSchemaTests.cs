using Npgsql;
using ZesRec.Streaming.Storage;
using ZesRec.Streaming.Tests.Fixtures;

namespace ZesRec.Streaming.Tests;

[Collection(PostgresCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class StoreSchemaTests(PostgresService postgres)
{
    [Fact]
    public async Task Ensure_should_create_the_tables_once_when_called_again_with_the_same_dimension()
    {
        // Given
        await using var schema = await postgres.CreateSchemaAsync("schema_again");

        // When
        await StoreSchema.EnsureAsync(schema.DataSource, 16, StoreTestData.ModelVersion);
        await StoreSchema.EnsureAsync(schema.DataSource, 16, StoreTestData.ModelVersion);

        // Then: schema_version, items, user_states, input_offsets and partition_owner, once each
        await using var command = schema.DataSource.CreateCommand(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = schema.Name });
        Assert.Equal(5L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Ensure_should_refuse_the_store_when_it_was_made_for_another_dimension()
    {
        // Given
        await using var schema = await postgres.CreateSchemaAsync("schema_dim");
        await StoreSchema.EnsureAsync(schema.DataSource, 16, StoreTestData.ModelVersion);

        // When
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StoreSchema.EnsureAsync(schema.DataSource, 300, StoreTestData.ModelVersion));

        // Then
        Assert.Contains("dimension 16", error.Message, StringComparison.Ordinal);
        Assert.Contains("dimension 300", error.Message, StringComparison.Ordinal);
    }
}
