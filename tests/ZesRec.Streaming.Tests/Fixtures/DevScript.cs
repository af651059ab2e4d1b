using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ZesRec.Configuration;

namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>
/// Runs <c>infra/dev/&lt;script&gt; &lt;command&gt;</c> with extra environment variables (a private service's folder
/// and port) and returns its standard output; fails with its error output when it exits non-zero or hangs.
/// </summary>
internal static class DevScript
{
    public static async Task<string> RunAsync(string script, string command, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var root = RepoPaths.Root;
        var start = new ProcessStartInfo("bash", [Path.Combine(root, "infra", "dev", script), command])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start infra/dev/{script}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"infra/dev/{script} {command} took longer than {timeout.TotalSeconds:0} s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"infra/dev/{script} {command} failed ({process.ExitCode}):\n{await stderr}");
        }

        return await stdout;
    }

    /// <summary>The setting the script printed (its <c>ZESREC_Section__Name=value</c> line), by key.</summary>
    public static string Value(string output, string key) =>
        ZesRecConfiguration.FromEnvironmentLines(output).GetValueOrDefault(key)
            ?? throw new InvalidOperationException($"no {ZesRecConfiguration.EnvironmentName(key)}= line in:\n{output}");

    /// <summary>A loopback port free right now (a private service binds it moments later).</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
