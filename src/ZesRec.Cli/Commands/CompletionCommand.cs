using System.Text;
using System.Text.RegularExpressions;

namespace ZesRec.Cli.Commands;

/// <summary>
/// <c>zesrec completion bash</c>: prints a bash completion script for every verb and its options. The options
/// come from each verb's help text, the one place that documents them, so a new option completes as soon as
/// its help line exists.
/// </summary>
public sealed partial class CompletionCommand(Func<IReadOnlyList<ICommand>> commands) : ICommand
{
    public CompletionCommand()
        : this(() => CommandRegistry.All)
    {
    }

    public string Name => "completion";

    public string Summary => "Print a bash completion script: source <(zesrec completion bash).";

    public string Help => """
        Usage: zesrec completion bash

        Prints a bash completion script for zesrec's verbs and options to standard output. Load it in the
        current shell with

          source <(./zesrec completion bash)

        or install it for every shell with ./zesrec completion bash > /etc/bash_completion.d/zesrec.
        Option values (folders, files) complete as file names. Only bash is supported.
        """;

    public Task<int> RunAsync(CommandArgs args, CancellationToken cancellationToken)
    {
        string? shell = null;
        if (args.Positional.Count > 0)
        {
            shell = args.Positional[0];
            args.Positional.RemoveAt(0);
        }

        CommandChecks.RejectUnknownOptions(args);
        if (shell != "bash")
        {
            throw new UsageException(shell is null ? "name the shell: zesrec completion bash" : $"unknown shell '{shell}': only bash is supported");
        }

        Console.Write(BashScript(commands()));
        return Task.FromResult(ExitCodes.Ok);
    }

    /// <summary>The options a verb's help documents, in the order they first appear, plus --help.</summary>
    public static IReadOnlyList<string> OptionsOf(ICommand command) =>
        OptionPattern().Matches(command.Help).Select(m => m.Value).Append("--help").Distinct(StringComparer.Ordinal).ToList();

    public static string BashScript(IReadOnlyList<ICommand> commands)
    {
        var firstWords = commands.Select(c => c.Name.Split(' ')[0]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var script = new StringBuilder();
        script.Append("# bash completion for zesrec (zesrec completion bash)\n");
        script.Append("_zesrec() {\n");
        script.Append("  local cur=\"${COMP_WORDS[COMP_CWORD]}\" words=\" ${COMP_WORDS[*]:1:COMP_CWORD-1} \" opts\n");
        script.Append("  case \"$words\" in\n");
        // Longest verb names first, so that "data import" wins over "data".
        foreach (var command in commands.OrderByDescending(c => c.Name.Split(' ').Length).ThenBy(c => c.Name, StringComparer.Ordinal))
        {
            script.Append($"    \" {command.Name} \"*) opts=\"{string.Join(' ', OptionsOf(command))}\";;\n");
        }

        foreach (var group in commands.Where(c => c.Name.Contains(' ', StringComparison.Ordinal)).GroupBy(c => c.Name.Split(' ')[0]))
        {
            script.Append($"    \" {group.Key} \") opts=\"{string.Join(' ', group.Select(c => c.Name.Split(' ')[1]).Order(StringComparer.Ordinal))}\";;\n");
        }

        script.Append($"    \"  \") opts=\"{string.Join(' ', firstWords)} --help\";;\n");
        script.Append("    *) return 0;;\n");
        script.Append("  esac\n");
        // An option's value (a folder, a number) is left to bash's file name completion.
        script.Append("  if [[ \"$cur\" == -* || \"$opts\" != -* ]]; then\n");
        script.Append("    mapfile -t COMPREPLY < <(compgen -W \"$opts\" -- \"$cur\")\n");
        script.Append("  fi\n");
        script.Append("}\n");
        script.Append("complete -o default -o bashdefault -F _zesrec zesrec\n");
        return script.ToString();
    }

    [GeneratedRegex(@"(?<![\w-])--[a-z][a-z0-9-]*")]
    private static partial Regex OptionPattern();
}
