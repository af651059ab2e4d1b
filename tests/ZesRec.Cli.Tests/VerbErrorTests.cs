using ZesRec.Cli.Commands;

namespace ZesRec.Cli.Tests;

/// <summary>
/// Every verb on bad input: one sentence on standard error, no stack trace, and the documented exit code
/// (2 for the command line, 3 for the input data). None of these cases needs the services.
/// </summary>
public sealed class VerbErrorTests : IDisposable
{
    private static readonly TempFolder Temp = new();

    /// <summary>A folder that exists but holds neither a dataset nor a model.</summary>
    private static readonly string Empty = Directory.CreateDirectory(Temp["empty"]).FullName;

    private static readonly string Missing = Temp["missing"];

    /// <summary>A folder with someone's files in it, which no verb may replace.</summary>
    private static readonly string Notes = WriteFile("notes/todo.txt", "keep me").Replace("/todo.txt", "", StringComparison.Ordinal);

    static VerbErrorTests() => AppDomain.CurrentDomain.ProcessExit += (_, _) => Temp.Dispose();

    public static TheoryData<string> Verbs => new() { "stack", "data import", "data fetch", "data combine", "train", "evaluate", "plot", "serve", "replay", "demo", "completion" };

    /// <summary>Each verb with its required options given, so that only the extra word or option is wrong.</summary>
    public static TheoryData<string[]> RunnableCommandLines => new()
    {
        { ["stack"] },
        { ["data", "import", "--format", "tsv", "--input", Empty, "--out", Temp["out"]] },
        { ["data", "combine", "--input", $"{Empty},{Empty}", "--out", Temp["out"]] },
        { ["train", "--source", Empty, "--out", Temp["model"]] },
        { ["evaluate", "--target", Empty, "--out", Temp["report"]] },
        { ["plot", "--results", Missing, "--out", Temp["plots"]] },
        { ["serve", "--model", Empty] },
        { ["replay", "--dataset", Empty] },
        { ["demo", "--data-root", Empty] },
        { ["completion", "bash"] },
    };

    public static TheoryData<string[], string> MissingOptions => new()
    {
        { ["data", "import", "--input", Empty, "--out", Temp["out"]], "missing required option --format" },
        { ["data", "import", "--format", "tsv", "--out", Temp["out"]], "missing required option --input" },
        { ["data", "combine", "--out", Temp["out"]], "missing required option --input" },
        { ["train", "--out", Temp["model"]], "missing required option --source" },
        { ["train", "--source", Empty], "missing required option --out" },
        { ["evaluate", "--out", Temp["report"]], "missing required option --target" },
        { ["plot", "--out", Temp["plots"]], "--results needs at least one results.csv file" },
        { ["serve"], "missing required option --model" },
        { ["data", "fetch", "--out", Temp["data"]], "name at least one dataset to fetch" },
        { ["replay"], "missing required option --dataset" },
        { ["completion"], "name the shell: zesrec completion bash" },
    };

    public static TheoryData<string[], string> BadValues => new()
    {
        { ["data", "import", "--format", "csv", "--input", Empty, "--out", Temp["out"]], "unknown format 'csv'" },
        { ["train", "--source", Empty, "--out", Temp["model"], "--epochs", "0"], "epochs (--epochs) must be at least 1, got 0" },
        { ["train", "--source", Empty, "--out", Temp["model"], "--lr", "NaN"], "--lr: 'NaN' is not a finite number" },
        { ["train", "--source", Empty, "--out", Temp["model"], "--lr", "0"], "the learning rate (--lr) must be a finite number above 0, got 0" },
        { ["train", "--source", Empty, "--out", Temp["model"], "--dropout", "1"], "dropout (--dropout) must be at least 0 and below 1, got 1" },
        { ["train", "--source", Empty, "--out", Temp["model"], "--dim", "0"], "the vector dimension (--dim) must be at least 1, got 0" },
        { ["train", "--source", Empty, "--out", Temp["model"], "--threads", "0"], "threads (--threads) must be at least 1, got 0" },
        { ["train", "--source", Empty, "--out", Temp["model"], "--batch-size", "many"], "--batch-size: 'many' is not a whole number" },
        { ["train", "--source", Empty, "--out", Temp["model"], "--epochs", "99999999999"], "--epochs: '99999999999' is not a whole number" },
        { ["train", "--source", Empty, "--out", Temp["model"], "--variant", "lstm"], "--variant: unknown variant 'lstm'" },
        { ["train", "--source", Empty, "--out", Temp["model"], "--device", "tpu"], "--device: 'tpu' is not one of auto, cpu, cuda" },
        { ["train", "--source", Empty, "--out", Notes], $"'{Notes}' exists and is not a model folder; refusing to replace it" },
        { ["data", "import", "--format", "tsv", "--input", Empty, "--out", Notes], $"--out: '{Notes}' exists and is not a dataset folder" },
        { ["evaluate", "--target", Empty, "--out", Temp["report"], "--seeds", "0"], "--seeds must be at least 1, got 0" },
        { ["evaluate", "--target", Empty, "--out", Temp["report"], "--incremental", "5000,lots"], "--incremental: '5000,lots' is not a comma-separated list" },
        { ["evaluate", "--target", Empty, "--out", Temp["report"], "--baselines", "pop,magic"], "--baselines: unknown baseline 'magic'" },
        { ["serve", "--model", Empty, "--metrics-port", "eighty"], "Metrics:Port" },
        { ["replay", "--dataset", Empty, "--rate", "fast"], "--rate: 'fast' is not a whole number" },
        { ["replay", "--dataset", Empty, "--rate", "0"], "--rate must be at least 1, got 0" },
        { ["replay", "--dataset", Empty, "--speed", "Infinity"], "--speed: 'Infinity' is not a finite number" },
        { ["replay", "--dataset", Empty, "--items-only", "--interactions-only"], "--items-only and --interactions-only exclude each other" },
        { ["data", "combine", "--input", Empty, "--out", Temp["out"]], "--input: name at least two dataset folders, comma-separated" },
        { ["data", "combine", "--input", $"{Empty},{Empty}", "--out", Temp["out"], "--max-users", "0"], "--max-users must be at least 1, got 0" },
        { ["data", "fetch", "amazon2018-scientific", "nosuch", "--out", Temp["data"]], "no dataset 'nosuch' in the catalog" },
        { ["data", "fetch", "mind-small", "--out", Temp["data"], "--bogus", "1"], "unknown option(s): --bogus" },
        { ["demo", "--data-root", Empty, "--epochs", "0"], "--epochs must be at least 1, got 0" },
        { ["demo", "--data-root", Empty, "--limit", "-5"], "--limit must be at least 0, got -5" },
    };

    public static TheoryData<string[], string> BadInputs => new()
    {
        { ["data", "import", "--format", "tsv", "--input", Missing, "--out", Temp["out"]], $"{Missing}: input folder not found; nothing was written" },
        { ["data", "import", "--format", "tsv", "--input", Empty, "--out", Temp["out"]], $"{Path.Combine(Empty, "items.tsv")}: file not found" },
        { ["data", "combine", "--input", $"{Empty},{Empty}", "--out", Temp["out"]], $"{Path.Combine(Empty, "dataset.json")}: missing: not a dataset folder; nothing was written" },
        { ["train", "--source", Empty, "--out", Temp["model"], "--device", "cpu", "--threads", "1"], $"{Path.Combine(Empty, "dataset.json")}: missing: not a dataset folder" },
        { ["evaluate", "--target", Empty, "--out", Temp["report"]], $"{Path.Combine(Empty, "dataset.json")}: missing: not a dataset folder" },
        { ["evaluate", "--target", Empty, "--out", Temp["report"], "--model", Empty], $"--model {Empty} is not a model folder (it has no model-card.json)" },
        { ["evaluate", "--target", Empty, "--out", Temp["report"], "--model", Missing], $"--model {Missing}: folder not found" },
        { ["plot", "--results", Missing, "--out", Temp["plots"]], $"--results {Missing}: file not found" },
        { ["plot", "--results", NotAResultsFile, "--out", Temp["plots"]], $"{NotAResultsFile}:1: expected the header" },
        { ["serve", "--model", Empty], $"--model {Empty} is not a model folder" },
        { ["serve", "--model", Missing], $"--model {Missing}: folder not found" },
        { ["replay", "--dataset", Empty], $"{Path.Combine(Empty, "dataset.json")}: missing: not a dataset folder" },
        { ["demo", "--data-root", Empty], $"no amazon2018-scientific or amazon2014-office under the data root {Empty}; fetch them with './zesrec data fetch amazon2018-scientific amazon2014-office --out {Empty}'" },
    };

    private static string NotAResultsFile { get; } = WriteFile("notes.csv", "name,value\nx,1\n");

    public void Dispose()
    {
        // The folders are shared by the theories; each test removes what a verb may have written.
        foreach (var dir in new[] { "out", "model", "report", "plots", "data" })
        {
            Assert.False(Directory.Exists(Temp[dir]), $"a failed verb wrote {Temp[dir]}");
        }
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public void Help_should_print_the_usage_and_exit_0_for_every_verb(string verb)
    {
        var result = Cli.Run([.. verb.Split(' '), "--help"]);

        Assert.Equal(ExitCodes.Ok, result.Code);
        Assert.StartsWith($"Usage: zesrec {verb}", result.Out.TrimStart(), StringComparison.Ordinal);
        Assert.Equal("", result.Error);
    }

    [Theory]
    [MemberData(nameof(RunnableCommandLines))]
    public void An_unknown_option_should_be_a_usage_error_for_every_verb(string[] args)
    {
        var result = Cli.Run([.. args, "--bogus", "1"]);

        AssertOneSentence(result, ExitCodes.Usage, "unknown option(s): --bogus");
        Assert.Contains("Usage: zesrec", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(RunnableCommandLines))]
    public void A_stray_word_should_be_a_usage_error_for_every_verb(string[] args)
    {
        var result = Cli.Run([.. args, "now"]);

        AssertOneSentence(result, ExitCodes.Usage, "unexpected argument(s): now");
    }

    [Theory]
    [MemberData(nameof(MissingOptions))]
    public void A_missing_option_should_be_a_usage_error_naming_it(string[] args, string sentence)
    {
        AssertOneSentence(Cli.Run(args), ExitCodes.Usage, sentence);
    }

    [Theory]
    [MemberData(nameof(BadValues))]
    public void A_bad_value_should_be_a_usage_error_naming_the_option(string[] args, string sentence)
    {
        AssertOneSentence(Cli.Run(args), ExitCodes.Usage, sentence);
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_data_should_exit_3_with_the_path_and_reason(string[] args, string sentence)
    {
        AssertOneSentence(Cli.Run(args), ExitCodes.BadInput, sentence);
    }

    [Fact]
    public void No_arguments_should_list_the_verbs_and_exit_2()
    {
        var result = Cli.Run();

        Assert.Equal(ExitCodes.Usage, result.Code);
        Assert.Contains("data import", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Top_level_help_should_list_every_verb_and_exit_0()
    {
        var result = Cli.Run("--help");

        Assert.Equal(ExitCodes.Ok, result.Code);
        Assert.All(CommandRegistry.All, c => Assert.Contains(c.Name, result.Out, StringComparison.Ordinal));
    }

    [Fact]
    public void Data_fetch_list_should_name_the_demo_datasets_and_every_amazon_2018_category()
    {
        var result = Cli.Run("data", "fetch", "--list");

        Assert.Equal(ExitCodes.Ok, result.Code);
        Assert.Contains("amazon2018-scientific", result.Out, StringComparison.Ordinal);
        Assert.Contains("amazon2014-office", result.Out, StringComparison.Ordinal);
        Assert.All(Data.Fetch.DatasetCatalog.Amazon2018Categories, c => Assert.Contains($"amazon2018-raw-{c} ", result.Out, StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_verb_should_exit_2()
    {
        AssertOneSentence(Cli.Run("trian", "--source", Empty), ExitCodes.Usage, "zesrec: unknown verb 'trian'");
    }

    private static void AssertOneSentence(CliResult result, int code, string sentence)
    {
        Assert.True(result.Code == code, result.ToString());
        Assert.Contains(sentence, result.Sentence, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"(?m)^\s+at \S+\(", result.Error);
        Assert.DoesNotContain("Exception", result.Error, StringComparison.Ordinal);
    }

    private static string WriteFile(string name, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Temp[name])!);
        File.WriteAllText(Temp[name], content);
        return Temp[name];
    }
}
