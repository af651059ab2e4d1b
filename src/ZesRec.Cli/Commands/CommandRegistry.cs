namespace ZesRec.Cli.Commands;

/// <summary>Every verb of <c>zesrec</c>; a new verb is one class plus one line here.</summary>
public static class CommandRegistry
{
    public static IReadOnlyList<ICommand> All { get; } =
    [
        new StackCommand(),
        new DataImportCommand(),
        new DataFetchCommand(),
        new DataCombineCommand(),
        new TrainCommand(),
        new ServeCommand(),
        new UpgradeCommand(),
        new AdaptCommand(),
        new EvaluateCommand(),
        new PlotCommand(),
        new ReplayCommand(),
        new DemoCommand(),
        new CompletionCommand(),
    ];
}
