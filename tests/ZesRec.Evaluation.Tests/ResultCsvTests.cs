using ZesRec.Evaluation.Metrics;
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
        lines[2] = lines[2].Replace(",recall@20,", ",recall@20,n/a,", StringComparison.Ordinal);
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

    public void Dispose() => temp.Dispose();
}
