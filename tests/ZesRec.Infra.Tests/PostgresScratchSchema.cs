using Npgsql;

namespace ZesRec.Infra.Tests;

/// <summary>
/// A uniquely named schema for one test, so tests never see each other's tables
/// and may run against a database that is in use.
/// </summary>
public sealed class PostgresScratchSchema : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    private PostgresScratchSchema(NpgsqlDataSource dataSource, string name)
    {
        _dataSource = dataSource;
        Name = name;
    }

    /// <summary>The schema name: lower-case letters, digits and underscores only, safe to splice into SQL.</summary>
    public string Name { get; }

    public static async Task<PostgresScratchSchema> CreateAsync(NpgsqlDataSource dataSource, string purpose)
    {
        if (purpose.Length == 0 || purpose.Length > 20 || !purpose.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
        {
            throw new ArgumentException($"purpose must be 1-20 of [a-z0-9_], got '{purpose}'", nameof(purpose));
        }

        var name = $"t_{purpose}_{Guid.NewGuid():N}";
        await using var cmd = dataSource.CreateCommand($"CREATE SCHEMA {name}");
        await cmd.ExecuteNonQueryAsync();
        return new PostgresScratchSchema(dataSource, name);
    }

    public async ValueTask DisposeAsync()
    {
        await using var cmd = _dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {Name} CASCADE");
        await cmd.ExecuteNonQueryAsync();
    }
}
