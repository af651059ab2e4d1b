using ZesRec.Cli.Commands;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
return await new CommandLine(CommandRegistry.All).RunAsync(args, cancellation.Token);
