using Npgsql;
using Pgvector.Npgsql;

namespace ZesRec.Infra.Tests;

/// <summary>
/// One PostgreSQL + pgvector service for all Postgres tests: the one named by env ZESREC_PG,
/// or else the local one of <c>infra/dev/postgres.sh</c>, which it starts when needed and
/// then stops again so that a test run leaves the machine as it found it.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private const string LinePrefix = "ZESREC_PG=";
    private string? _startedIn;
    private NpgsqlDataSource? _dataSource;

    public string ConnectionString { get; private set; } = "";

    public NpgsqlDataSource DataSource =>
        _dataSource ?? throw new InvalidOperationException("PostgresFixture is not initialised");

    public async Task InitializeAsync()
    {
        ConnectionString = Environment.GetEnvironmentVariable("ZESREC_PG") is { Length: > 0 } fromEnv
            ? fromEnv
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

        var line = stdout.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith(LinePrefix, StringComparison.Ordinal));
        return line?[LinePrefix.Length..]
            ?? throw new InvalidOperationException($"infra/dev/postgres.sh up printed no {LinePrefix} line:\n{stdout}\n{stderr}");
    }

}
