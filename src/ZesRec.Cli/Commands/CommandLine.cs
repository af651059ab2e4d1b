namespace ZesRec.Cli.Commands;

/// <summary>Dispatches <c>zesrec VERB [options]</c> to the verb with the longest matching name.</summary>
public sealed class CommandLine(IReadOnlyList<ICommand> commands)
{
    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            PrintOverview();
            return args.Length == 0 ? 2 : 0;
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
            return 2;
        }

        var parsed = new CommandArgs(args.Skip(command.Name.Split(' ').Length));
        if (parsed.WantsHelp)
        {
            Console.WriteLine(command.Help);
            return 0;
        }

        try
        {
            return await command.RunAsync(parsed, cancellationToken);
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync($"zesrec {command.Name}: {e.Message}\n\n{command.Help}");
            return 2;
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
