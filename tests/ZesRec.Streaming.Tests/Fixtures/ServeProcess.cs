using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>
/// `zesrec serve` as a separate process (the CLI build of the tests' own configuration), with its /metrics port
/// known, so tests can kill it with SIGKILL and read its gauges.
/// </summary>
public sealed class ServeProcess : CapturedProcess
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private ServeProcess(ProcessStartInfo start, int metricsPort)
        : base(start, keepLines: 200) => MetricsPort = metricsPort;

    public int MetricsPort { get; }

    /// <summary>
    /// Starts one member of <paramref name="group"/> on the harness model, serving <paramref name="topics"/>;
    /// <paramref name="settings"/> are further configuration keys (e.g. "Processing:InteractionBatchSize").
    /// </summary>
    public static ServeProcess Start(
        ProcessorHarness harness,
        string bootstrap,
        string connectionString,
        string schema,
        Topics topics,
        string group,
        string instance,
        int topK = 5,
        IReadOnlyDictionary<string, string>? settings = null,
        IReadOnlyList<string>? extraArgs = null,
        int? metricsPort = null)
    {
        var cli = Cli;
        var port = metricsPort ?? FreePort();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = RepoPaths.Root };
        foreach (var arg in new[]
                 {
                     cli, "serve", "--model", harness.ModelDir, "--bootstrap", bootstrap, "--group", group, "--instance", instance,
                     "--pg", connectionString, "--pg-schema", schema, "--metrics-port", port.ToString(CultureInfo.InvariantCulture),
                     "--top-k", topK.ToString(CultureInfo.InvariantCulture), "--device", "cpu", "--threads", "1",
                 }.Concat(extraArgs ?? []))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ZESREC_Kafka__ItemsTopic"] = topics.Items;
        start.Environment["ZESREC_Kafka__InteractionsTopic"] = topics.Interactions;
        start.Environment["ZESREC_Kafka__RecommendationsTopic"] = topics.Recommendations;
        start.Environment["ZESREC_Kafka__DeadLetterTopic"] = topics.DeadLetter;
        start.Environment["ZESREC_Processing__TextCache"] = ProcessorHarness.TextCache;
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment["ZESREC_" + key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return new ServeProcess(start, port);
    }

    /// <summary>SIGSTOP: the process is frozen as by a long GC pause or a suspended VM; nothing of it runs until <see cref="Resume"/>.</summary>
    public void Pause() => Signal("STOP");

    /// <summary>SIGCONT: a paused process runs on from where it stopped.</summary>
    public void Resume() => Signal("CONT");

    /// <summary>A gauge or counter without labels from /metrics; null while the endpoint does not answer.</summary>
    public async Task<double?> MetricAsync(string name)
    {
        try
        {
            var text = await Http.GetStringAsync($"http://127.0.0.1:{MetricsPort}/metrics");
            var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal));
            return line is null ? null : double.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>The sum of a labelled gauge over the series whose labels contain <paramref name="labelPart"/>.</summary>
    public async Task<double?> MetricSumAsync(string name, string labelPart)
    {
        try
        {
            var text = await Http.GetStringAsync($"http://127.0.0.1:{MetricsPort}/metrics");
            return text.Split('\n')
                .Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) && l.Contains(labelPart, StringComparison.Ordinal))
                .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Resident memory of the process in bytes (VmRSS), 0 once it has exited.</summary>
    public long ResidentBytes()
    {
        try
        {
            var line = File.ReadLines($"/proc/{Process.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private void Signal(string name)
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-" + name, Process.Id.ToString(CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
