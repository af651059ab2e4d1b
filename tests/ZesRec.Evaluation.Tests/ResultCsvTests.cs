using CsCheck;
using ZesRec.Evaluation.Metrics;
using ZesRec.Evaluation.Oracles;
using ZesRec.Evaluation.Reporting;
using ZesRec.Tests.Shared;

namespace ZesRec.Evaluation.Tests;

public sealed class ResultCsvTests : IDisposable
{
    private readonly TempFolder temp = new();

    private static readonly ResultRow[] Rows =
    [
        new("main", "ZESRec-TCN", "eval-sci-tcn-s1", "last-item", 0, new MetricSet(0.0206, 0.0551, 0.0150, 0.0340, 0.0149, 4905), 2.5),
        new("main", "TCN-Meta", "seed 1", "last-item", 47916, new MetricSet(0.0489, 0.1240, 0.0380, 0.0790, 0.0340, 4905), 61.2),
        new("incremental", "TCN-Meta", "seed 1", "last-item", 2500, new MetricSet(0.0339, 0.0888, 0.0250, 0.0600, 0.0230, 4905), 12.0),
        new("incremental", "TCN-Meta", "seed 1", "last-item", 5000, new MetricSet(0.0391, 0.1019, 0.0300, 0.0700, 0.0260, 4905), 20.0),
        new("main", "method, with \"comma\"", "seed 2", "last-item+exclude-seen", 10, new MetricSet(0.5, 0.25, 0.125, 0.0625, 1, 3), 0),
    ];

    [Fact]
    public void Read_should_return_the_rows_written_when_given_a_file_of_write()
    {
        // Given
        var path = temp["results.csv"];
        ResultCsv.Write(path, Rows);

        // When
        var read = ResultCsv.Read(path);

        // Then
        Assert.Equal(Rows, read);
    }

    [Fact]
    public void Read_should_name_the_file_and_line_when_a_line_is_malformed()
    {
        // Given: the third line has a value that is not a number
        var path = temp["bad.csv"];
        ResultCsv.Write(path, Rows[..1]);
        var lines = File.ReadAllLines(path);
        lines[2] = lines[2].Replace(",Recall@20,", ",Recall@20,n/a,", StringComparison.Ordinal);
        File.WriteAllLines(path, lines);

        // When
        var error = Assert.Throws<InvalidDataException>(() => ResultCsv.Read(path));

        // Then
        Assert.StartsWith($"{path}:3:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plot_should_draw_one_figure_from_two_files_and_keep_the_first_of_a_repeated_result()
    {
        // Given: two evaluations that both hold the zero-shot row; the second has other oracles and a differing copy
        var a = temp["a.csv"];
        var b = temp["b.csv"];
        ResultCsv.Write(a, Rows[..4]);
        var other = Rows[3] with { Method = "HRNN-Meta" };
        ResultCsv.Write(b, [Rows[0] with { Metrics = Rows[0].Metrics with { Ndcg20 = 0.9 } }, other, other with { TrainInteractions = 2500 }]);
        var warnings = new StringWriter();

        // When
        var rows = ResultCsv.Combine([(a, ResultCsv.Read(a)), (b, ResultCsv.Read(b))], warnings);
        var files = IncrementalPlot.SaveAll(temp["plots"], rows);

        // Then
        Assert.Equal(6, rows.Count);
        Assert.Equal(0.0206, rows.Single(r => r.Method == "ZESRec-TCN").Metrics.Ndcg20);
        Assert.Contains("ZESRec-TCN", warnings.ToString(), StringComparison.Ordinal);
        Assert.All(files, f => Assert.True(new FileInfo(Path.Combine(temp["plots"], f)).Length > 1000, f));
    }

    [Fact]
    public void Read_should_return_the_metric_rows_when_the_file_also_holds_what_the_evaluation_decided()
    {
        // Given a file with oracle trainings and overlap counts after the metric rows
        var path = temp["decided.csv"];
        OracleRun[] runs =
        [
            new("TCN-Meta", 1, "grid", 128, 0.1, 3, 6.5, 12.5, Chosen: true),
            new("TCN-Meta", 1, "grid", 300, 1, 2, 6.7, 20, Chosen: false) { Experiment = "incremental", TrainInteractions = 2500 },
        ];
        ResultCsv.Write(path, Rows, runs, new OverlapCounts("scientific", 11, 0, UsersCompared: true, 40));

        // When
        var read = ResultCsv.Read(path);

        // Then the metric rows come back, and the decisions are in the file with the same columns
        Assert.Equal(Rows, read);
        var lines = File.ReadAllLines(path);
        Assert.Contains("main,TCN-Meta,seed 1,training (grid),0,0,12.5,D,128", lines);
        Assert.Contains("incremental,TCN-Meta,seed 1,training (grid),2500,0,20.0,chosen,0", lines);
        Assert.Contains("checks,overlap,scientific,-,0,0,0.0,shared_items,11", lines);
        Assert.Contains("checks,overlap,scientific,-,0,0,0.0,removed_interactions,40", lines);
    }

    [Fact]
    public void Read_should_accept_the_lower_case_metric_names_of_earlier_files()
    {
        // Given a file as earlier builds wrote it
        var path = temp["old.csv"];
        ResultCsv.Write(path, Rows[..1]);
        File.WriteAllLines(path, File.ReadAllLines(path).Select((l, i) => i == 0 ? l : l.ToLowerInvariant().Replace("zesrec-tcn,eval-sci-tcn-s1", "ZESRec-TCN,eval-sci-tcn-s1", StringComparison.Ordinal)));

        // When / Then
        Assert.Equal(Rows[..1], ResultCsv.Read(path));
    }

    [Fact]
    public void Read_should_return_any_rows_written_with_any_decisions()
    {
        var text = Gen.String[Gen.Char["abc,\"-+"], 1, 8];
        var row = Gen.Select(Gen.OneOf(Gen.Const("main"), Gen.Const("incremental")), text, text, Gen.Long[0, 100_000], Gen.Double[0, 1].Array[5], Gen.Int[1, 5000])
            .Select((experiment, method, run, interactions, m, count) =>
                new ResultRow(experiment, method, run, "last-item", interactions, new MetricSet(Round(m[0]), Round(m[1]), Round(m[2]), Round(m[3]), Round(m[4]), count), 1.5));
        var oracleRun = Gen.Select(text, Gen.Int[1, 512], Gen.Double[0.001, 10], Gen.Bool)
            .Select((name, dim, lr, chosen) => new OracleRun(name, 1, "given", dim, lr, 2, 6.25, 3, chosen));
        Gen.Select(row.Array[1, 6], oracleRun.Array[0, 4]).Sample((rows, runs) =>
        {
            using var folder = new TempFolder();
            var path = folder["results.csv"];
            ResultCsv.Write(path, rows, runs, new OverlapCounts("s", 1, 2, UsersCompared: false, 3));
            Assert.Equal(rows, ResultCsv.Read(path));
        }, iter: 100, threads: 1);
    }

    public void Dispose() => temp.Dispose();

    // results.csv keeps 6 significant digits.
    private static double Round(double x) => double.Parse(x.ToString("G6", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);
}
