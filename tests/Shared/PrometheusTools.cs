using System.Diagnostics;

namespace ZesRec.Tests.Shared;

/// <summary>
/// Debian's prometheus and promtool binaries, installed by infra/dev/prometheus.sh (test.sh runs it through
/// infra/dev/stack.sh up); a test started on its own installs them the same way.
/// </summary>
internal static class PrometheusTools
{
    private static readonly Lazy<string> Folder = new(Locate);

    public static string Prometheus => Path.Combine(Folder.Value, "prometheus");

    public static string Promtool => Path.Combine(Folder.Value, "promtool");

    /// <summary>Runs a tool to the end; returns its exit code and its standard output and error together.</summary>
    public static (int ExitCode, string Output) Run(string tool, IEnumerable<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(tool) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {tool}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', arguments)} did not finish within 5 minutes");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string Locate()
    {
        if (OnPath("promtool") is { } found && File.Exists(Path.Combine(found, "prometheus")))
        {
            return found;
        }

        var (code, output) = Run("bash", [Path.Combine(RepoPaths.Root, "infra", "dev", "prometheus.sh"), "install"], RepoPaths.Root);
        if (code != 0)
        {
            throw new InvalidOperationException($"prometheus and promtool are missing and infra/dev/prometheus.sh install failed:\n{output}");
        }

        var line = output.Split('\n').Last(l => l.StartsWith("PROMETHEUS=", StringComparison.Ordinal));
        return Path.GetDirectoryName(line["PROMETHEUS=".Length..].Trim())!;
    }

    private static string? OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(dir => File.Exists(Path.Combine(dir, name)));
}
