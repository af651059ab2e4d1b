namespace ZesRec.Evaluation.Tests;

/// <summary>The whole evaluate job on the tiny Scientific → Office fixtures: real text encoder, real training.</summary>
[Trait("Tier", "Integration")]
public sealed class EndToEndTests : IDisposable
{
    private readonly TempFolder temp = new();

    [Fact]
    public void EvaluationJob_should_write_report_csv_plots_and_case_study_when_run_on_tiny_fixtures()
    {
        // Given both tiny fixtures imported with the tsv importer and a small ZESRec model trained on Scientific
        var (source, target, model) = Prepare();
        var options = new EvaluationOptions
        {
            ModelDirs = [model],
            TargetDir = target,
            SourceDir = source,
            OutDir = temp["out"],
            Baselines = ["random", "pop", "embknn", "gru4rec", "gru4rec-meta"],
            Seeds = 2,
            ExcludeSeen = true,
            AllPositions = true,
            IncrementalSizes = [300, 600],
            MaxEpochs = 2,
            CompareUsers = false, // both fixtures number their users 0, 1, 2, ...
            CacheDir = temp["cache"],
        };

        // When
        var result = EvaluationJob.Run(options, TextWriter.Null, "test");

        // Then: 4 protocols x (1 ZESRec + 2 seeds x 5 baselines) main rows, 2 sizes x 2 seeds x 2 oracles incremental rows
        Assert.Equal(4 * (1 + (2 * 5)), result.Rows.Count(r => r.Experiment == "main"));
        Assert.Equal(2 * 2 * 2, result.Rows.Count(r => r.Experiment == "incremental"));
        Assert.All(result.Rows, r => Assert.InRange(r.Metrics.Ndcg20, 0, 1));
        var lastItem = result.Rows.First(r => r.Protocol == "last-item");
        Assert.Equal(result.TargetUsers, lastItem.Metrics.Count);
        var allPositions = result.Rows.First(r => r.Protocol == "all-positions+exclude-seen");
        Assert.True(allPositions.Metrics.Count > lastItem.Metrics.Count);
        foreach (var file in new[] { "report.md", "results.csv", "incremental-ndcg20.png", "incremental-ndcg20.svg", "incremental-recall20.png" })
        {
            Assert.True(new FileInfo(temp[Path.Combine("out", file)]).Length > 100, file);
        }

        var report = File.ReadAllText(temp["out/report.md"]);
        Assert.Contains("ZESRec-GRU4Rec", report, StringComparison.Ordinal);
        Assert.Contains("GRU4Rec-Meta", report, StringComparison.Ordinal);
        Assert.Contains("Case study", report, StringComparison.Ordinal);
        var csv = File.ReadAllLines(temp["out/results.csv"]);
        Assert.Equal(1 + (result.Rows.Count * 5) + (result.OracleRuns.Count * 5) + 3, csv.Length);
    }

    [Fact]
    public void EvaluationJob_should_refuse_when_the_target_is_the_models_training_data()
    {
        // Given a model trained on Scientific-tiny
        var (source, _, model) = Prepare();

        // When
        var error = Assert.Throws<InvalidOperationException>(() => EvaluationJob.Run(
            new EvaluationOptions { ModelDirs = [model], TargetDir = source, OutDir = temp["out"], CacheDir = temp["cache"] },
            TextWriter.Null));

        // Then
        Assert.Contains("training data", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => temp.Dispose();

    private (string Source, string Target, string Model) Prepare() => TinyTransfer.Prepare(temp);
}
