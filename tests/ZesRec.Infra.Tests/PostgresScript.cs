using System.Diagnostics;

namespace ZesRec.Infra.Tests;

/// <summary>Runs <c>infra/dev/postgres.sh</c>, the one way the tests start or stop the local service.</summary>
internal static class PostgresScript
{
    // A fresh machine installs packages and builds pgvector on the first `up`.
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string repoRoot, string command)
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = repoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine("infra", "dev", "postgres.sh"));
        start.ArgumentList.Add(command);

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException("could not start bash infra/dev/postgres.sh");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"infra/dev/postgres.sh {command} did not finish within {Timeout}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
