using Npgsql;
using Pgvector.Npgsql;
using ZesRec.Configuration;

namespace ZesRec.Infra.Tests;

/// <summary>
/// One PostgreSQL + pgvector service for all Postgres tests: the configured Postgres:ConnectionString
/// (ZESREC_Postgres__ConnectionString, as infra/dev/stack.sh env exports it),
/// or else the local one of <c>infra/dev/postgres.sh</c>, which it starts when needed and
/// then stops again so that a test run leaves the machine as it found it.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private string? _startedIn;
    private NpgsqlDataSource? _dataSource;

    public string ConnectionString { get; private set; } = "";

    public NpgsqlDataSource DataSource =>
        _dataSource ?? throw new InvalidOperationException("PostgresFixture is not initialised");

    public async Task InitializeAsync()
    {
        ConnectionString = ZesRecConfiguration.Build()[LocalServices.PostgresConnectionStringKey] is { Length: > 0 } configured
            ? configured
            : await StartLocalServiceAsync();

        var builder = new NpgsqlDataSourceBuilder(ConnectionString);
        builder.UseVector();
        _dataSource = builder.Build();
    }

    public async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        if (_startedIn is not null)
        {
            var (exitCode, _, stderr) = await PostgresScript.RunAsync(_startedIn, "down");
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"infra/dev/postgres.sh down failed ({exitCode}): {stderr}");
            }
        }
    }

    /// <summary>A schema of its own for one test, dropped (with its tables) on dispose.</summary>
    public async Task<PostgresScratchSchema> CreateScratchSchemaAsync(string purpose) =>
        await PostgresScratchSchema.CreateAsync(DataSource, purpose);

    private async Task<string> StartLocalServiceAsync()
    {
        var repoRoot = RepoPaths.Root;
        var (statusCode, _, _) = await PostgresScript.RunAsync(repoRoot, "status");
        var (exitCode, stdout, stderr) = await PostgresScript.RunAsync(repoRoot, "up");
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"infra/dev/postgres.sh up failed ({exitCode}):\n{stderr}");
        }

        // Only a service this run started is stopped again; one a developer left up stays up.
        if (statusCode != 0)
        {
            _startedIn = repoRoot;
        }

        return ZesRecConfiguration.FromEnvironmentLines(stdout).GetValueOrDefault(LocalServices.PostgresConnectionStringKey)
            ?? throw new InvalidOperationException($"infra/dev/postgres.sh up printed no {ZesRecConfiguration.EnvironmentName(LocalServices.PostgresConnectionStringKey)}= line:\n{stdout}\n{stderr}");
    }

}
