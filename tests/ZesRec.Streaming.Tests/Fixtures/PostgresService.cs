using System.Globalization;
using Npgsql;
using ZesRec.Configuration;
using ZesRec.Streaming.Storage;

namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>
/// The PostgreSQL + pgvector service for the store tests: the configured Postgres:ConnectionString when set
/// (ZESREC_Postgres__ConnectionString, as infra/dev/stack.sh env exports it), else the local one of
/// infra/dev/postgres.sh (started if needed, left running).
/// </summary>
public sealed class PostgresService : IAsyncLifetime
{
    private NpgsqlDataSource? _admin;

    /// <summary>A data source on the public schema, for tests that create or drop schemas themselves.</summary>
    public NpgsqlDataSource Admin => _admin ?? throw new InvalidOperationException("the PostgreSQL service is not initialised");

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        ConnectionString = ZesRecConfiguration.Build()[LocalServices.PostgresConnectionStringKey] is { Length: > 0 } configured
            ? configured
            : await ServiceScript.UpAsync("postgres.sh", LocalServices.PostgresConnectionStringKey);
        _admin = StoreDataSource.Create(ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_admin is not null)
        {
            await _admin.DisposeAsync();
        }
    }

    /// <summary>A schema of the test's own (first on the search path), dropped with its tables on dispose.</summary>
    public async Task<ScratchSchema> CreateSchemaAsync(string purpose)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"test_{purpose.ToLowerInvariant()}_{Guid.NewGuid():N}");
        name = name.Length > 63 ? name[..63] : name; // PostgreSQL's identifier limit
        await using (var command = _admin!.CreateCommand($"CREATE SCHEMA \"{name}\""))
        {
            await command.ExecuteNonQueryAsync();
        }

        return new ScratchSchema(_admin, name, StoreDataSource.Create(ConnectionString, $"\"{name}\",public"));
    }
}
