using System.Diagnostics;

namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>
/// Any `zesrec` verb as a separate process (the CLI build of the tests' own configuration), so a test can kill it
/// with SIGKILL mid-way and read its exit code and output.
/// </summary>
public sealed class CliProcess : IDisposable
{
    private readonly Process process;
    private readonly List<string> output = [];

    private CliProcess(Process process) => this.process = process;

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>Starts `zesrec <paramref name="args"/>` with the text cache of the harness and <paramref name="environment"/>.</summary>
    public static CliProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var cli = Path.Combine(RepoPaths.Root, "src", "ZesRec.Cli", "bin", configuration, "net10.0", "linux-x64", "zesrec.dll");
        Assert.True(File.Exists(cli), $"{cli} not built: build the solution first");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = RepoPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(cli);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ZESREC_Processing__TextCache"] = ProcessorHarness.TextCache;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var cliProcess = new CliProcess(Process.Start(start)!);
        cliProcess.process.OutputDataReceived += (_, e) => cliProcess.Keep(e.Data);
        cliProcess.process.ErrorDataReceived += (_, e) => cliProcess.Keep(e.Data);
        cliProcess.process.BeginOutputReadLine();
        cliProcess.process.BeginErrorReadLine();
        return cliProcess;
    }

    /// <summary>Everything the process wrote so far, stdout and stderr interleaved.</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return string.Join('\n', output);
            }
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

    /// <summary>SIGKILL: no shutdown hook runs, open transactions are left to PostgreSQL to roll back.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
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
        if (line is not null)
        {
            lock (output)
            {
                output.Add(line);
            }
        }
    }
}
