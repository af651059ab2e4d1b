using System.Diagnostics;
using ZesRec.Configuration;

namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>
/// Runs <c>infra/dev/&lt;service&gt;.sh up</c> and returns the setting it printed (a <c>ZESREC_Section__Name=value</c> line).
/// Never runs <c>down</c>: other test runs on this machine may share the service.
/// </summary>
internal static class ServiceScript
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    public static async Task<string> UpAsync(string script, string key)
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

        return ZesRecConfiguration.FromEnvironmentLines(output).GetValueOrDefault(key)
            ?? throw new InvalidOperationException($"infra/dev/{script} up printed no {ZesRecConfiguration.EnvironmentName(key)}= line:\n{output}\n{await stderr}");
    }
}
