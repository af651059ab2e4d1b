using System.Diagnostics;

namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>
/// Runs <c>infra/dev/&lt;service&gt;.sh up</c> and returns the value of its <c>NAME=value</c> line.
/// Never runs <c>down</c>: other test runs on this machine may share the service.
/// </summary>
internal static class ServiceScript
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    public static async Task<string> UpAsync(string script, string variable)
    {
        var root = RepoPaths.Root;
        var start = new ProcessStartInfo("bash", [Path.Combine(root, "infra", "dev", script), "up"])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start infra/dev/{script}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"infra/dev/{script} up failed ({process.ExitCode}):\n{await stderr}");
        }

        var prefix = variable + "=";
        var line = output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line?[prefix.Length..]
            ?? throw new InvalidOperationException($"infra/dev/{script} up printed no {prefix} line:\n{output}\n{await stderr}");
    }
}
