using ZesRec.Configuration;

namespace ZesRec.Infra.Tests;

/// <summary>
/// The Kafka development broker for all Kafka tests: the configured Kafka:BootstrapServers
/// (ZESREC_Kafka__BootstrapServers, as infra/dev/stack.sh env exports it), or else
/// the local one of <c>infra/dev/kafka.sh</c>, started when needed and stopped again afterwards
/// only when this run started it. Also builds the probe, a separate process to produce and consume with.
/// </summary>
public sealed class KafkaFixture : IAsyncLifetime
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(5);
    private bool _startedHere;

    public string RepoRoot { get; } = RepoPaths.Root;

    public string Bootstrap { get; private set; } = "";

    public string ProbeDll { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var buildProbe = BuildProbeAsync();
        Bootstrap = ZesRecConfiguration.Build()[LocalServices.KafkaBootstrapServersKey] is { Length: > 0 } configured
            ? configured
            : await StartLocalBrokerAsync();
        ProbeDll = await buildProbe;
    }

    public async Task DisposeAsync()
    {
        if (_startedHere)
        {
            var down = await RunScriptAsync("down");
            if (down.ExitCode != 0)
            {
                throw new InvalidOperationException($"infra/dev/kafka.sh down failed: {down}");
            }
        }
    }

    /// <summary>
    /// A topic no other test uses. The broker creates it (with 4 partitions) on the first
    /// producer's metadata request, since the mock cluster has no CreateTopics API.
    /// </summary>
    public static string FreshTopic(string purpose) => $"test.{purpose}.{Guid.NewGuid():N}";

    public static string FreshGroup(string purpose) => $"test.{purpose}.{Guid.NewGuid():N}";

    /// <summary>Runs the probe (produce or consume) as its own OS process.</summary>
    internal Task<KafkaProcess.Result> RunProbeAsync(string command, params string[] arguments) =>
        KafkaProcess.RunAsync(RepoRoot, "dotnet", [ProbeDll, command, "--bootstrap", Bootstrap, .. arguments], TimeSpan.FromMinutes(2));

    private async Task<string> StartLocalBrokerAsync()
    {
        var status = await RunScriptAsync("status");
        var up = await RunScriptAsync("up");
        if (up.ExitCode != 0)
        {
            throw new InvalidOperationException($"infra/dev/kafka.sh up failed: {up}");
        }

        // A broker a developer left up stays up; one this run started is stopped again.
        _startedHere = status.ExitCode != 0;
        return ZesRecConfiguration.FromEnvironmentLines(string.Join('\n', up.Lines)).GetValueOrDefault(LocalServices.KafkaBootstrapServersKey)
            ?? throw new InvalidOperationException($"infra/dev/kafka.sh up printed no {ZesRecConfiguration.EnvironmentName(LocalServices.KafkaBootstrapServersKey)}= line: {up}");
    }

    private Task<KafkaProcess.Result> RunScriptAsync(string command) =>
        KafkaProcess.RunAsync(RepoRoot, "bash", [Path.Combine("infra", "dev", "kafka.sh"), command], ScriptTimeout);

    // The test project cannot reference an Exe's output portably, so the probe is built here, outside the test's bin.
    private async Task<string> BuildProbeAsync()
    {
        var output = Path.Combine(RepoRoot, ".local", "kafkaprobe", "bin");
        var build = await KafkaProcess.RunAsync(
            RepoRoot,
            "dotnet",
            ["build", Path.Combine("tests", "ZesRec.KafkaProbe", "ZesRec.KafkaProbe.csproj"), "-c", "Release", "-o", output, "-nologo", "-v", "quiet", "-nodeReuse:false"],
            ScriptTimeout);
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException($"building tests/ZesRec.KafkaProbe failed: {build}");
        }

        return Path.Combine(output, "zesrec-kafkaprobe.dll");
    }

}
