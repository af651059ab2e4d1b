namespace ZesRec.Cli.Commands;

/// <summary>The exit codes of every verb, documented in README.md ("Exit codes").</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The work itself failed: a service unreachable, training diverged, an unexpected error.</summary>
    public const int Failure = 1;

    /// <summary>The command line: unknown verb or option, missing option, a number or setting out of range.</summary>
    public const int Usage = 2;

    /// <summary>The input data: a folder that is not a dataset or model, a source file that cannot be imported.</summary>
    public const int BadInput = 3;

    /// <summary>Interrupted with Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;
}
