using System.Globalization;
using ZesRec.Configuration;

namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>
/// A development broker of one test's own (infra/dev/kafka.sh with its own folder, port and build), with the topics
/// of infra/kafka/topics.json. <see cref="PauseAsync"/> and <see cref="ResumeAsync"/> simulate a broker restart:
/// every connection is dropped and the port refuses new ones, while the in-memory data is kept. Stopped on dispose.
/// </summary>
internal sealed class PrivateKafkaBroker : IAsyncDisposable
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(5);
    private readonly Dictionary<string, string> environment;

    private PrivateKafkaBroker(string folder, int port)
    {
        Folder = folder;
        environment = new()
        {
            ["ZESREC_KAFKA_DIR"] = folder,
            ["ZESREC_KAFKA_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            // Its own binary: building into the shared folder could rewrite the one the shared broker runs.
            ["ZESREC_KAFKA_BIN_DIR"] = Path.Combine(RepoPaths.Root, ".local", "devbroker-private", "bin"),
        };
    }

    public string Folder { get; }

    public string Bootstrap { get; private set; } = "";

    /// <param name="settings">More environment of infra/dev/kafka.sh, e.g. ZESREC_KAFKA_TLS_CERT.</param>
    public static async Task<PrivateKafkaBroker> StartAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "zesrec-private-kafka-" + Guid.NewGuid().ToString("N")[..12]);
        var broker = new PrivateKafkaBroker(folder, DevScript.FreePort());
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            broker.environment[name] = value;
        }

        broker.Bootstrap = DevScript.Value(await DevScript.RunAsync("kafka.sh", "up", broker.environment, ScriptTimeout), LocalServices.KafkaBootstrapServersKey);
        return broker;
    }

    public Task PauseAsync() => DevScript.RunAsync("kafka.sh", "pause", environment, ScriptTimeout);

    public Task ResumeAsync() => DevScript.RunAsync("kafka.sh", "resume", environment, ScriptTimeout);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await DevScript.RunAsync("kafka.sh", "down", environment, ScriptTimeout);
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
