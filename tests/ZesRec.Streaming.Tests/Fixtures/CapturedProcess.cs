using System.Diagnostics;

namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>
/// A `zesrec` verb run as a separate process from the CLI build of the tests' own configuration, with its stdout
/// and stderr kept line by line, so a test can wait for its exit, kill it with SIGKILL and read what it wrote.
/// </summary>
public abstract class CapturedProcess : IDisposable
{
    private readonly OutputTail output;

    /// <summary>Starts <paramref name="start"/> and keeps its output: every line, or the last <paramref name="keepLines"/>.</summary>
    protected CapturedProcess(ProcessStartInfo start, int? keepLines)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        Process = Process.Start(start)!;
        output = OutputTail.Follow(Process, keepLines);
    }

    /// <summary>The built `zesrec.dll` of the configuration the tests run in.</summary>
    public static string Cli
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
            var cli = Path.Combine(RepoPaths.Root, "src", "ZesRec.Cli", "bin", configuration, "net10.0", "linux-x64", "zesrec.dll");
            Assert.True(File.Exists(cli), $"{cli} not built: build the solution first");
            return cli;
        }
    }

    public int Id => Process.Id;

    public bool HasExited => Process.HasExited;

    /// <summary>Everything kept so far, stdout and stderr interleaved.</summary>
    public string Output => output.All;

    protected Process Process { get; }

    /// <summary>The last lines the process wrote (stdout and stderr), for failure messages.</summary>
    public string Tail(int lines = 15) => output.Last(lines);

    /// <summary>The exit code once the process ended within <paramref name="within"/>; null while it still runs.</summary>
    public async Task<int?> ExitCodeAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await Process.WaitForExitAsync(timeout.Token);
            return Process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>SIGKILL: no shutdown hook runs, nothing is flushed; open transactions are left to PostgreSQL to roll back.</summary>
    public async Task KillAsync()
    {
        Process.Kill(entireProcessTree: true);
        await Process.WaitForExitAsync();
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (!disposing)
        {
            return;
        }

        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit();
        }

        Process.Dispose();
    }
}
