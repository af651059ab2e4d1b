namespace ZesRec.Cli.Commands;

/// <summary>One verb of the <c>zesrec</c> command line (a verb may have two words, such as <c>data import</c>).</summary>
public interface ICommand
{
    string Name { get; }

    string Summary { get; }

    /// <summary>Full help text: usage line and every option with its default.</summary>
    string Help { get; }

    Task<int> RunAsync(CommandArgs args, CancellationToken cancellationToken);
}
