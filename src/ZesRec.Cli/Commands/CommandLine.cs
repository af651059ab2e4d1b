using ZesRec.Configuration;
using ZesRec.Data;
using ZesRec.Data.Fetch;
using ZesRec.Model.Training;

namespace ZesRec.Cli.Commands;

/// <summary>Dispatches <c>zesrec VERB [options]</c> to the verb with the longest matching name.</summary>
public sealed class CommandLine(IReadOnlyList<ICommand> commands)
{
    /// <summary>Set to 1 to print the stack trace of an unexpected error.</summary>
    public const string DebugVariable = "ZESREC_DEBUG";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            PrintOverview();
            return args.Length == 0 ? ExitCodes.Usage : ExitCodes.Ok;
        }

        var command = commands
            .Select(c => (c, words: c.Name.Split(' ')))
            .Where(x => x.words.Length <= args.Length && x.words.SequenceEqual(args.Take(x.words.Length)))
            .OrderByDescending(x => x.words.Length)
            .Select(x => x.c)
            .FirstOrDefault();
        if (command is null)
        {
            await Console.Error.WriteLineAsync($"zesrec: unknown verb '{string.Join(' ', args.TakeWhile(a => !a.StartsWith('-')))}'. Run 'zesrec --help'.");
            return ExitCodes.Usage;
        }

        var parsed = new CommandArgs(args.Skip(command.Name.Split(' ').Length));
        if (parsed.WantsHelp)
        {
            Console.WriteLine(command.Help);
            return ExitCodes.Ok;
        }

        try
        {
            using var logging = ZesRecLogging.Start(ZesRecConfiguration.Build());
            return await command.RunAsync(parsed, cancellationToken);
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync($"zesrec {command.Name}: {e.Message}\n\n{command.Help}");
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is InputException or DatasetFormatException)
        {
            await Console.Error.WriteLineAsync($"zesrec {command.Name}: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"zesrec {command.Name}: interrupted");
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (e is TrainingFailedException or FetchException)
        {
            await Console.Error.WriteLineAsync($"zesrec {command.Name}: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception e)
        {
            // Not a user error (a service down, a bug): still one line, with the stack trace on request.
            var trace = Environment.GetEnvironmentVariable(DebugVariable) is "1" or "true"
                ? "\n" + e
                : $" (set {DebugVariable}=1 for the stack trace)";
            await Console.Error.WriteLineAsync($"zesrec {command.Name}: failed: {e.GetType().Name}: {e.Message}{trace}");
            return ExitCodes.Failure;
        }
    }

    private void PrintOverview()
    {
        Console.WriteLine("zesrec: zero-shot streaming recommender (ZESRec).\n\nUsage: zesrec VERB [options]   (zesrec VERB --help for a verb's options)\n\nVerbs:");
        foreach (var c in commands.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            Console.WriteLine($"  {c.Name,-16} {c.Summary}");
        }
    }
}
