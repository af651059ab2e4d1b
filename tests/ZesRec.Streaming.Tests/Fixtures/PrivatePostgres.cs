using System.Globalization;
using ZesRec.Configuration;

namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>
/// A PostgreSQL + pgvector cluster of one test's own (infra/dev/postgres.sh with its own folder and port), so that
/// it can be stopped and started without touching the cluster every other test shares. Removed on dispose.
/// </summary>
internal sealed class PrivatePostgres : IAsyncDisposable
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(2);
    private readonly Dictionary<string, string> environment;

    private PrivatePostgres(string folder, int port)
    {
        Folder = folder;
        environment = new()
        {
            ["ZESREC_PG_DIR"] = folder,
            ["ZESREC_PG_PORT"] = port.ToString(CultureInfo.InvariantCulture),
        };
    }

    public string Folder { get; }

    public string ConnectionString { get; private set; } = "";

    public static async Task<PrivatePostgres> StartAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "zesrec-private-pg-" + Guid.NewGuid().ToString("N")[..12]);
        var postgres = new PrivatePostgres(folder, DevScript.FreePort());
        await postgres.UpAsync();
        return postgres;
    }

    /// <summary>Starts the cluster (the first time: initdb and roles); returns once it accepts connections.</summary>
    public async Task UpAsync() =>
        ConnectionString = DevScript.Value(await DevScript.RunAsync("postgres.sh", "up", environment, ScriptTimeout), LocalServices.PostgresConnectionStringKey);

    /// <summary>Stops the server (pg_ctl stop -m fast: sessions are ended, open transactions rolled back).</summary>
    public Task DownAsync() => DevScript.RunAsync("postgres.sh", "down", environment, ScriptTimeout);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await DownAsync();
        }
        finally
        {
            if (Directory.Exists(Folder))
            {
                Directory.Delete(Folder, recursive: true);
            }
        }
    }
}
