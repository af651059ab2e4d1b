using System.Globalization;
using ZesRec.Evaluation.Metrics;
using ZesRec.Evaluation.Reporting;

namespace ZesRec.Evaluation.Tests;

/// <summary>
/// What evaluate decided reaches the console, report.md and results.csv: a line per oracle epoch, every oracle
/// training with how its settings were chosen, the overlap counts, every protocol asked for, one spelling per
/// metric. Runs the real job on the tiny Scientific → Office fixtures.
/// </summary>
[Trait("Tier", "Integration")]
public sealed class EvaluationReportTests : IDisposable
{
    private readonly TempFolder temp = new();

    [Fact]
    public void Report_and_csv_should_carry_oracle_settings_epochs_losses_overlap_and_every_protocol()
    {
        // Given a model trained on Scientific, and an evaluation with a grid oracle, a given oracle and both protocol flags
        var (source, target, model) = TinyTransfer.Prepare(temp);
        var options = new EvaluationOptions
        {
            ModelDirs = [model],
            TargetDir = target,
            SourceDir = source,
            OutDir = temp["out"],
            Baselines = ["random", "gru4rec", "tcn-meta"],
            ExcludeSeen = true,
            AllPositions = true,
            Grid = true,
            OracleSettings = Oracles.OracleSettings.Parse("tcn-meta=16:0.5"),
            MaxEpochs = 2,
            CaseStudyUsers = 0,
            CompareUsers = false,
            CacheDir = temp["cache"],
        };
        var log = new StringWriter();

        // When
        var result = EvaluationJob.Run(options, log, "test");

        // Then the console has a line per oracle epoch and the metrics under their one name
        var console = log.ToString();
        Assert.Equal(6 * 2, Count(console, "    GRU4Rec seed 1 D="));
        Assert.Contains("    TCN-Meta seed 1 D=16 lr=0.5: epoch 1/2 train loss ", console, StringComparison.Ordinal);
        Assert.All(MetricSet.Names, n => Assert.Contains($" {n} ", console, StringComparison.Ordinal));

        // And every protocol asked for, the plain all-positions one included
        string[] protocols = ["last-item", "last-item+exclude-seen", "all-positions+exclude-seen", "all-positions"];
        Assert.Equal(protocols, result.Rows.Select(r => r.Protocol).Distinct());
        var report = File.ReadAllText(temp["out/report.md"]);
        Assert.All(protocols, p => Assert.Contains($"## Results: {p}\n", report, StringComparison.Ordinal));
        Assert.Contains("| method | runs | " + string.Join(" | ", MetricSet.Names) + " | s/run |", report, StringComparison.Ordinal);

        // And report.md lists each oracle training: the grid's six settings of GRU4Rec, the given one of TCN-Meta
        Assert.Equal(6 + 1, result.OracleRuns.Count);
        Assert.Contains("## Oracle training", report, StringComparison.Ordinal);
        var chosen = result.OracleRuns.Single(r => r.Oracle == "GRU4Rec" && r.Chosen);
        Assert.Equal(result.OracleRuns.Where(r => r.Oracle == "GRU4Rec").Min(r => r.ValidationLoss), chosen.ValidationLoss);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture,
            $"| **GRU4Rec** | main | {chosen.TrainInteractions:N0} | 1 | grid | {chosen.Dim} | {chosen.LearningRate} | {chosen.BestEpoch} | {chosen.ValidationLoss:F4} |"), report, StringComparison.Ordinal);
        Assert.Contains("| **TCN-Meta** | main | ", report, StringComparison.Ordinal);
        Assert.Contains(" | 1 | given | 16 | 0.5 | ", report, StringComparison.Ordinal);
        var overlap = result.Overlap!;
        Assert.True(overlap.SharedItems > 0, "the tiny fixtures share items");
        Assert.Contains($"overlap with the source: {overlap.SharedItems} shared items", report, StringComparison.Ordinal);

        // And results.csv holds the same decisions beside the metrics, read back as the metric rows only
        var csv = File.ReadAllLines(temp["out/results.csv"]);
        string[] metrics = [.. MetricSet.Names, .. DecisionRows.Metrics];
        Assert.Equal(metrics.Order(StringComparer.Ordinal), csv.Skip(1).Select(l => l.Split(',')[^2]).Distinct().Order(StringComparer.Ordinal));
        Assert.Contains(csv, l => l.StartsWith("main,TCN-Meta,seed 1,training (given),", StringComparison.Ordinal) && l.EndsWith(",D,16", StringComparison.Ordinal));
        Assert.Equal(6, csv.Count(l => l.StartsWith("main,GRU4Rec,seed 1,training (grid),", StringComparison.Ordinal) && l.Contains(",validation_loss,", StringComparison.Ordinal)));
        Assert.Contains($"checks,overlap,scientific-tiny,-,0,0,0.0,shared_items,{overlap.SharedItems}", csv);
        Assert.Contains($"checks,overlap,scientific-tiny,-,0,0,0.0,removed_interactions,{overlap.RemovedInteractions}", csv);
        Assert.Equal(result.Rows, ResultCsv.Read(temp["out/results.csv"]), new RowNumbers());
    }

    public void Dispose() => temp.Dispose();

    private static int Count(string text, string part) => text.Split('\n').Count(l => l.StartsWith(part, StringComparison.Ordinal) && l.Contains(": epoch ", StringComparison.Ordinal));

    // results.csv keeps 6 significant digits and seconds to 0.1: compare what identifies a row and its metrics to that precision.
    private sealed class RowNumbers : IEqualityComparer<ResultRow>
    {
        public bool Equals(ResultRow? a, ResultRow? b) =>
            a is not null && b is not null && (a.Experiment, a.Method, a.Run, a.Protocol, a.TrainInteractions, a.Metrics.Count) == (b.Experiment, b.Method, b.Run, b.Protocol, b.TrainInteractions, b.Metrics.Count)
            && a.Metrics.Values.Zip(b.Metrics.Values).All(p => Math.Abs(p.First - p.Second) <= 1e-5 * Math.Max(1, Math.Abs(p.First)));

        public int GetHashCode(ResultRow r) => HashCode.Combine(r.Method, r.Protocol);
    }
}
