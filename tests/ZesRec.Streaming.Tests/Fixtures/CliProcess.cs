using System.Diagnostics;

namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>
/// Any `zesrec` verb as a separate process (the CLI build of the tests' own configuration), so a test can kill it
/// with SIGKILL mid-way and read its exit code and output.
/// </summary>
public sealed class CliProcess : CapturedProcess
{
    private CliProcess(ProcessStartInfo start)
        : base(start, keepLines: null)
    {
    }

    /// <summary>Starts `zesrec <paramref name="args"/>` with the text cache of the harness and <paramref name="environment"/>.</summary>
    public static CliProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = RepoPaths.Root };
        start.ArgumentList.Add(Cli);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ZESREC_Processing__TextCache"] = ProcessorHarness.TextCache;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return new CliProcess(start);
    }
}
