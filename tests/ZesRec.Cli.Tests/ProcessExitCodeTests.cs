using System.Diagnostics;
using ZesRec.Cli.Commands;

namespace ZesRec.Cli.Tests;

/// <summary>The real <c>zesrec</c> binary as a process: what a shell sees is the exit code and standard error.</summary>
[Trait("Tier", "Integration")]
public sealed class ProcessExitCodeTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_folder_that_is_not_a_dataset_should_exit_3_with_one_line_and_no_stack_trace()
    {
        var (code, stderr) = Run("train", "--source", _temp.Path, "--out", _temp["model"], "--device", "cpu", "--threads", "1");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal($"zesrec train: {Path.Combine(_temp.Path, "dataset.json")}: missing: not a dataset folder", stderr.TrimEnd());
    }

    [Fact]
    public void A_usage_error_should_exit_2()
    {
        var (code, stderr) = Run("train", "--source", _temp.Path, "--out", _temp["model"], "--epochs", "0");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith("zesrec train: epochs (--epochs) must be at least 1, got 0\n", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_temp["model"]));
    }

    [Fact]
    public void Help_should_exit_0()
    {
        Assert.Equal((ExitCodes.Ok, ""), Run("replay", "--help"));
    }

    private static (int Code, string Stderr) Run(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "zesrec.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        _ = stdout.Result;
        return (process.ExitCode, stderr);
    }
}
