using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>
/// `zesrec serve` as a separate process (the CLI build of the tests' own configuration), with its /metrics port
/// known, so tests can kill it with SIGKILL and read its gauges.
/// </summary>
public sealed class ServeProcess : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly Process process;
    private readonly Queue<string> output = new();

    private ServeProcess(Process process, int metricsPort)
    {
        this.process = process;
        MetricsPort = metricsPort;
    }

    public int MetricsPort { get; }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

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
        var cli = Path.Combine(RepoPaths.Root, "src", "ZesRec.Cli", "bin", BuildConfiguration, "net10.0", "linux-x64", "zesrec.dll");
        Assert.True(File.Exists(cli), $"{cli} not built: build the solution first");
        var port = metricsPort ?? FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
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
        var process = Process.Start(start)!;
        var serve = new ServeProcess(process, port);
        process.OutputDataReceived += (_, e) => serve.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => serve.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return serve;
    }

    /// <summary>The last lines the process wrote (stdout and stderr), for failure messages.</summary>
    public string Tail(int lines = 15)
    {
        lock (output)
        {
            return string.Join('\n', output.TakeLast(lines));
        }
    }

    /// <summary>The exit code once the process ended within <paramref name="within"/>; null while it still runs.</summary>
    public async Task<int?> ExitCodeAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>SIGKILL: no shutdown hook runs, nothing is flushed.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
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
            var line = File.ReadLines($"/proc/{process.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Enqueue(line);
            if (output.Count > 200)
            {
                output.Dequeue();
            }
        }
    }

    private void Signal(string name)
    {
        using var kill = Process.Start("kill", ["-" + name, process.Id.ToString(CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    private static string BuildConfiguration => AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
