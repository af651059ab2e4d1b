using System.Diagnostics;
using CsCheck;
using ZesRec.Cli.Commands;

namespace ZesRec.Cli.Tests;

/// <summary>
/// <c>zesrec completion bash</c>, loaded into a real bash: what a user gets pressing Tab after a partial word.
/// </summary>
public sealed class CompletionTests
{
    private static readonly Lazy<string> Script = new(() =>
    {
        var result = Cli.Run("completion", "bash");
        Assert.Equal(ExitCodes.Ok, result.Code);
        var path = Path.Combine(Path.GetTempPath(), $"zesrec-completion-{Guid.NewGuid():N}.bash");
        File.WriteAllText(path, result.Out);
        return path;
    });

    [Theory]
    [InlineData("tr", "train")]
    [InlineData("d", "data demo")]
    [InlineData("data im", "import")]
    [InlineData("data ", "combine fetch import")]
    [InlineData("train --so", "--source")]
    [InlineData("data import --fo", "--format")]
    [InlineData("serve --model-d", "")]
    [InlineData("evaluate --all-p", "--all-positions")]
    [InlineData("nosuchverb --", "")]
    public void Tab_should_offer_the_verbs_and_options_that_start_with_the_word(string line, string expected)
    {
        Assert.Equal(expected, Complete(line));
    }

    [Fact]
    public void Every_option_in_every_verbs_help_should_complete_from_any_prefix()
    {
        var cases = CommandRegistry.All
            .SelectMany(c => CompletionCommand.OptionsOf(c).Select(o => (Verb: c.Name, Option: o)))
            .ToList();
        Assert.Contains(cases, c => c is { Verb: "train", Option: "--variant" });

        // Bash is slow to start: a sample of generated prefixes, each checked against the help text's options.
        Gen.Int[0, cases.Count - 1].Select(Gen.Int[3, 40])
            .Sample(
                (index, length) =>
                {
                    var (verb, option) = cases[index];
                    var prefix = option[..Math.Min(length, option.Length)];
                    var offered = Complete($"{verb} {prefix}").Split(' ');
                    var command = CommandRegistry.All.Single(c => c.Name == verb);
                    var expected = CompletionCommand.OptionsOf(command).Where(o => o.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal);
                    return offered.Order(StringComparer.Ordinal).SequenceEqual(expected);
                },
                iter: 40);
    }

    [Fact]
    public void A_value_after_an_option_should_be_left_to_file_name_completion()
    {
        // No word list for a value: bash's own file name completion (complete -o default) takes over.
        Assert.Equal("", Complete("train --source ./sr"));
    }

    /// <summary>What bash's completion function offers for <paramref name="line"/> (the last word is being typed).</summary>
    private static string Complete(string line)
    {
        var words = ("zesrec " + line).Split(' ');
        var quoted = string.Join(' ', words.Select(w => $"'{w}'"));
        var program = $"source '{Script.Value}'; COMP_WORDS=({quoted}); COMP_CWORD={words.Length - 1}; _zesrec; echo \"${{COMPREPLY[*]}}\"";
        var start = new ProcessStartInfo("bash", ["--norc", "-c", program]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var bash = Process.Start(start)!;
        var output = bash.StandardOutput.ReadToEnd();
        var error = bash.StandardError.ReadToEnd();
        bash.WaitForExit();
        Assert.True(bash.ExitCode == 0, $"bash exited {bash.ExitCode}: {error}");
        Assert.Equal("", error);
        return output.TrimEnd('\n');
    }
}
