using ZesRec.Cli.Commands;

namespace ZesRec.Cli.Tests;

/// <summary>Runs <c>zesrec ARGS</c> in this process, as Program.cs does, and captures its exit code and output.</summary>
internal static class Cli
{
    public static CliResult Run(params string[] args)
    {
        var (stdout, stderr) = (Console.Out, Console.Error);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var code = new CommandLine(CommandRegistry.All).RunAsync(args, CancellationToken.None).GetAwaiter().GetResult();
            return new CliResult(code, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }
}

internal sealed record CliResult(int Code, string Out, string Error)
{
    /// <summary>The first line of standard error: the one sentence a user reads.</summary>
    public string Sentence => Error.Split('\n')[0];

    public override string ToString() => $"exit {Code}\nstdout: {Out}\nstderr: {Error}";
}
