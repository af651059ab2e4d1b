using System.Diagnostics;

namespace ZesRec.Infra.Tests;

/// <summary>Runs a child process to completion and captures its output; kills it when it overruns.</summary>
internal static class KafkaProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public IEnumerable<string> Lines => Stdout.Split('\n').Select(l => l.TrimEnd('\r'));

        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    public static async Task<Result> RunAsync(string workingDirectory, string fileName, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"could not start {fileName}");
        process.StandardInput.Close();
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
            throw new TimeoutException(
                $"{fileName} {string.Join(' ', start.ArgumentList)} did not finish within {timeout}; stdout so far:\n{(stdout.IsCompleted ? stdout.Result : "")}");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
