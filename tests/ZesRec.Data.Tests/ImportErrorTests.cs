using ZesRec.Data.Import;

namespace ZesRec.Data.Tests;

[Trait("Tier", "Integration")]
public sealed class ImportErrorTests
{
    [Fact]
    public void Import_should_report_a_corrupt_row_with_its_line_when_the_rest_of_the_file_is_fine()
    {
        // Given: the tiny Office fixture with line 5 of interactions.tsv broken
        using var temp = new TempFolder();
        var input = CopyTiny("amazon_office_tiny", temp["in"]);
        var lines = File.ReadAllLines(Path.Combine(input, "interactions.tsv"));
        lines[4] = "7\tB000NOSUCH";
        File.WriteAllLines(Path.Combine(input, "interactions.tsv"), lines);

        // When
        var (ds, report) = DatasetImporters.ImportTo("tsv", input, temp["out"], "office-tiny");

        // Then
        var rejection = Assert.Single(report.Rejections);
        Assert.Equal(Path.Combine(input, "interactions.tsv"), rejection.File);
        Assert.Equal(5, rejection.Line);
        Assert.Contains("expected 3 tab-separated columns, found 2", rejection.Reason, StringComparison.Ordinal);
        Assert.Equal(1414, ds.Interactions.Count);
        Assert.Equal(1414, EventLogDataset.Load(temp["out"]).Interactions.Count);
    }

    [Fact]
    public void Import_should_reject_an_interaction_when_its_item_has_no_text_row()
    {
        // Given
        using var temp = new TempFolder();
        var input = CopyTiny("amazon_scientific_tiny", temp["in"]);
        File.AppendAllText(Path.Combine(input, "interactions.tsv"), "0\tB000UNKNOWN\t99\n");

        // When
        var report = DatasetImporters.Import("tsv", input, "t").Report;

        // Then
        var rejection = Assert.Single(report.Rejections);
        Assert.Equal(877, rejection.Line);
        Assert.Contains("B000UNKNOWN", rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_should_stop_and_write_nothing_when_a_header_is_wrong()
    {
        // Given
        using var temp = new TempFolder();
        var input = CopyTiny("amazon_office_tiny", temp["in"]);
        var lines = File.ReadAllLines(Path.Combine(input, "items.tsv"));
        lines[0] = "asin\ttitle\tbrand";
        File.WriteAllLines(Path.Combine(input, "items.tsv"), lines);
        var output = temp["out"];

        // When
        var error = Assert.Throws<DatasetFormatException>(() => DatasetImporters.ImportTo("tsv", input, output, "t"));

        // Then
        Assert.Equal(Path.Combine(input, "items.tsv"), error.File);
        Assert.Equal(1, error.Line);
        Assert.Contains("unexpected header", error.Reason, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
        Assert.Equal(["in"], Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Import_should_stop_and_write_nothing_when_a_gzip_file_is_corrupt()
    {
        // Given: a review file that is not gzip at all, as a download saved from an error page looks
        using var temp = new TempFolder();
        var input = temp["in"];
        Directory.CreateDirectory(input);
        File.WriteAllText(Path.Combine(input, "Gift_Cards_5.json.gz"), "<html>404 Not Found</html>\n");
        File.Copy(RepoPaths.SharedData("amazon2018-raw/meta_Gift_Cards.json.gz"), Path.Combine(input, "meta_Gift_Cards.json.gz"));

        // When
        var error = Assert.Throws<DatasetFormatException>(() => DatasetImporters.ImportTo("amazon2018", input, temp["out"], "gift"));

        // Then
        Assert.EndsWith("Gift_Cards_5.json.gz", error.File, StringComparison.Ordinal);
        Assert.Contains("gzip", error.Reason, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp["out"]));
    }

    [Fact]
    public void Import_should_fail_when_every_row_is_rejected()
    {
        // Given: items exist but no interaction names one of them
        using var temp = new TempFolder();
        var input = temp["in"];
        Directory.CreateDirectory(input);
        File.WriteAllText(Path.Combine(input, "items.tsv"), "item_id\ttext\nA\tan item\n");
        File.WriteAllText(Path.Combine(input, "interactions.tsv"), "user_id\titem_id\tposition\nu\tB\t0\n");

        // When
        var error = Assert.Throws<DatasetFormatException>(() => DatasetImporters.ImportTo("tsv", input, temp["out"], "t"));

        // Then
        Assert.Contains("empty", error.Reason, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp["out"]));
    }

    private static string CopyTiny(string name, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(RepoPaths.SharedData(Path.Combine("tiny", name))))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        return target;
    }
}
