using Npgsql;

namespace ZesRec.Streaming.Tests.Fixtures;

public sealed class ScratchSchema(NpgsqlDataSource admin, string name, NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public string Name { get; } = name;

    /// <summary>A data source whose search path starts with this schema.</summary>
    public NpgsqlDataSource DataSource { get; } = dataSource;

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await using var command = admin.CreateCommand($"DROP SCHEMA IF EXISTS \"{Name}\" CASCADE");
        await command.ExecuteNonQueryAsync();
    }
}
