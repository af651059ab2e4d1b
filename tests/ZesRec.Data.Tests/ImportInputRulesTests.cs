using System.IO.Compression;
using System.Text;
using ZesRec.Data.Import;

namespace ZesRec.Data.Tests;

/// <summary>
/// The probe's importer cases: truncated or corrupt gzip, invalid UTF-8, control characters (raw NUL, escaped
/// \u0000) and timestamps out of range each end as a stopped import or a rejected row with file and line.
/// </summary>
[Trait("Tier", "Integration")]
public sealed class ImportInputRulesTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string, int> Truncations => new()
    {
        { "reviews cut in half", 2 },
        { "gzip trailer missing", -8 },
        { "last trailer byte missing", -1 },
    };

    [Theory]
    [MemberData(nameof(Truncations))]
    public void Import_should_stop_naming_the_file_when_a_gzip_file_is_truncated(string what, int cut)
    {
        // Given the Gift Cards review file cut short (a download that stopped)
        var input = AmazonGiftCards();
        var reviews = Path.Combine(input, "Gift_Cards_5.json.gz");
        var bytes = File.ReadAllBytes(reviews);
        File.WriteAllBytes(reviews, bytes[..(cut > 0 ? bytes.Length / cut : bytes.Length + cut)]);

        // When / Then: the import stops, names the file and says why, and writes nothing
        var error = Assert.Throws<DatasetFormatException>(() => DatasetImporters.ImportTo("amazon2018", input, _temp["out"], "gift"));
        Assert.Equal(reviews, error.File);
        Assert.Contains("truncated or corrupt", error.Reason, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_temp["out"]), what);
    }

    [Fact]
    public void Import_should_stop_when_a_gzip_file_has_a_flipped_byte()
    {
        // Given the metadata file with one byte of its compressed data changed
        var input = AmazonGiftCards();
        var meta = Path.Combine(input, "meta_Gift_Cards.json.gz");
        var bytes = File.ReadAllBytes(meta);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(meta, bytes);

        var error = Assert.Throws<DatasetFormatException>(() => DatasetImporters.ImportTo("amazon2018", input, _temp["out"], "gift"));

        Assert.Equal(meta, error.File);
        Assert.Contains("gzip", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_should_read_a_whole_gzip_file_as_before()
    {
        var (ds, _) = DatasetImporters.Import("amazon2018", AmazonGiftCards(), "gift");

        Assert.Equal(148, ds.Items.Count);
        Assert.Equal(2972, ds.Interactions.Count);
    }

    [Fact]
    public void Import_should_reject_a_line_that_is_not_utf8_with_file_and_line()
    {
        // Given an items.tsv whose line 3 is Latin-1 ("café" as 0xE9)
        var input = Tsv(
            items: ["item_id\ttext", "a\tbeaker", "b\tcaf\u00e9 mug", "c\tpipette"],
            interactions: ["user_id\titem_id\ttimestamp", "u\ta\t1", "u\tc\t2"],
            latin1ItemLine: 2);

        var (ds, report) = DatasetImporters.Import("tsv", input, "t");

        var rejection = Assert.Single(report.Rejections);
        Assert.Equal((Path.Combine(input, "items.tsv"), 3), (rejection.File, rejection.Line));
        Assert.Contains("not valid UTF-8 (byte 0xE9", rejection.Reason, StringComparison.Ordinal);
        Assert.Equal(["a", "c"], ds.Items.Select(i => i.ItemId));
    }

    [Fact]
    public void Import_should_stop_when_a_header_is_not_utf8()
    {
        var input = Tsv(items: ["item_id\ttext\u00e9", "a\tbeaker"], interactions: ["user_id\titem_id\ttimestamp", "u\ta\t1"], latin1ItemLine: 0);

        var error = Assert.Throws<DatasetFormatException>(() => DatasetImporters.Import("tsv", input, "t"));

        Assert.Equal((Path.Combine(input, "items.tsv"), (int?)1), (error.File, error.Line));
        Assert.Contains("not valid UTF-8", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("items.tsv", 3, "b\tlab\0beaker", "control character U+0000")]
    [InlineData("items.tsv", 3, "b\u0007\tbell", "item id has control character U+0007")]
    [InlineData("interactions.tsv", 2, "u\0x\ta\t1", "user id has control character U+0000")]
    [InlineData("interactions.tsv", 2, "u\ta\u001b\t1", "item id has control character U+001B")]
    public void Import_should_reject_a_raw_control_character_with_file_and_line(string file, int line, string row, string reason)
    {
        List<string> items = ["item_id\ttext", "a\tbeaker", "c\tpipette"];
        List<string> interactions = ["user_id\titem_id\ttimestamp", "u\tc\t2", "v\ta\t3"];
        (file == "items.tsv" ? items : interactions).Insert(line - 1, row);
        var input = Tsv(items, interactions);

        var (ds, report) = DatasetImporters.Import("tsv", input, "t");

        var rejection = Assert.Single(report.Rejections);
        Assert.Equal((Path.Combine(input, file), line), (rejection.File, rejection.Line));
        Assert.Contains(reason, rejection.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(ds.Items, i => i.Text.Contains('\0', StringComparison.Ordinal));
        Assert.DoesNotContain(ds.Interactions, i => i.UserId.Contains('\0', StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\\u0000", "control character U+0000")]
    [InlineData("\\ud800", "unreadable JSON string")]
    public void Import_should_reject_an_escaped_bad_character_in_amazon_metadata(string escape, string reason)
    {
        // Given the Gift Cards files where the metadata line of a reviewed item has a JSON escape of a bad character
        var input = AmazonGiftCards();
        var asin = System.Text.Json.JsonDocument.Parse(GunzipLines(Path.Combine(input, "Gift_Cards_5.json.gz"))[0]).RootElement.GetProperty("asin").GetString();
        var meta = Path.Combine(input, "meta_Gift_Cards.json.gz");
        var lines = GunzipLines(meta);
        var index = lines.FindIndex(l => l.Contains($"\"asin\": \"{asin}\"", StringComparison.Ordinal));
        lines[index] = $"{{\"asin\": \"{asin}\", \"title\": \"Gift{escape}Card\"}}";
        GzipLines(meta, lines);

        var (ds, report) = DatasetImporters.Import("amazon2018", input, "gift");

        var rejection = Assert.Single(report.Rejections, r => r.File == meta);
        Assert.Equal(index + 1, rejection.Line);
        Assert.Contains(reason, rejection.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(ds.Items, i => i.ItemId == asin);
    }

    [Theory]
    [InlineData("-62135596801")]
    [InlineData("253402300800")]
    [InlineData("9223372036854775807")]
    public void Import_should_reject_a_timestamp_out_of_range_as_a_row(string timestamp)
    {
        var input = Tsv(
            items: ["item_id\ttext", "a\tbeaker"],
            interactions: ["user_id\titem_id\ttimestamp", "u\ta\t1", $"v\ta\t{timestamp}"]);

        var (ds, report) = DatasetImporters.Import("tsv", input, "t");

        var rejection = Assert.Single(report.Rejections);
        Assert.Equal((Path.Combine(input, "interactions.tsv"), 3), (rejection.File, rejection.Line));
        Assert.Contains($"timestamp {timestamp} is outside", rejection.Reason, StringComparison.Ordinal);
        Assert.Single(ds.Interactions);
    }

    [Fact]
    public void Import_should_reject_an_amazon_review_whose_time_is_out_of_range()
    {
        var input = AmazonGiftCards();
        var reviews = Path.Combine(input, "Gift_Cards_5.json.gz");
        var lines = GunzipLines(reviews);
        lines[1] = lines[1].Replace("\"unixReviewTime\": ", "\"unixReviewTime\": 9999", StringComparison.Ordinal);
        GzipLines(reviews, lines);

        var (_, report) = DatasetImporters.Import("amazon2018", input, "gift");

        var rejection = Assert.Single(report.Rejections, r => r.File == reviews);
        Assert.Equal(2, rejection.Line);
        Assert.Contains("is outside unix seconds", rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_should_reject_mind_history_that_would_start_before_year_one()
    {
        // Given a MIND user whose first impression is at the earliest time and who has two history clicks
        var input = _temp["mind"];
        Directory.CreateDirectory(input);
        File.WriteAllText(Path.Combine(input, "news.tsv"), "N1\tnews\tworld\tTitle one\tAbstract\turl\t[]\t[]\nN2\tnews\tworld\tTitle two\t\turl\t[]\t[]\n");
        File.WriteAllText(Path.Combine(input, "behaviors.tsv"), "1\tU1\t1/1/0001 12:00:00 AM\tN1 N2\tN1-1 N2-0\n2\tU2\t11/15/2019 8:00:00 AM\tN1\tN2-1\n");

        var (ds, report) = DatasetImporters.Import("mind", input, "m");

        Assert.All(report.Rejections.Where(r => r.Reason.Contains("outside", StringComparison.Ordinal)), r => Assert.Equal(1, r.Line));
        Assert.Equal(2, report.Rejections.Count(r => r.Reason.Contains("outside", StringComparison.Ordinal)));
        Assert.Contains(ds.Interactions, i => i.UserId == "U2");
    }

    [Fact]
    public void Load_should_name_file_and_line_when_an_event_holds_an_escaped_nul()
    {
        var dir = _temp["ds"];
        new EventLogDataset("t", "test", [new Events.ItemCreated(1, "a", "beaker", null)], [new Events.InteractionOccurred(1, "u", "a", null, 1)]).Save(dir);
        File.WriteAllText(Path.Combine(dir, EventLogDataset.ItemsFile), "{\"version\":1,\"itemId\":\"a\",\"text\":\"bea\\u0000ker\"}\n");

        var error = Assert.Throws<DatasetFormatException>(() => EventLogDataset.Load(dir));

        Assert.Equal((Path.Combine(dir, EventLogDataset.ItemsFile), (int?)1), (error.File, error.Line));
        Assert.Contains("U+0000", error.Reason, StringComparison.Ordinal);
    }

    private string AmazonGiftCards()
    {
        var input = _temp["gift"];
        Directory.CreateDirectory(input);
        foreach (var file in new[] { "Gift_Cards_5.json.gz", "meta_Gift_Cards.json.gz" })
        {
            File.Copy(RepoPaths.SharedData("amazon2018-raw/" + file), Path.Combine(input, file));
        }

        return input;
    }

    /// <summary>A tsv dataset folder; <paramref name="latin1ItemLine"/> (0-based) is written in Latin-1 instead of UTF-8.</summary>
    private string Tsv(IEnumerable<string> items, IEnumerable<string> interactions, int latin1ItemLine = -1)
    {
        var input = _temp["tsv"];
        Directory.CreateDirectory(input);
        using (var file = File.Create(Path.Combine(input, "items.tsv")))
        {
            var i = 0;
            foreach (var line in items)
            {
                file.Write((i++ == latin1ItemLine ? Encoding.Latin1 : Encoding.UTF8).GetBytes(line + "\n"));
            }
        }

        File.WriteAllText(Path.Combine(input, "interactions.tsv"), string.Join("\n", interactions) + "\n");
        return input;
    }

    private static List<string> GunzipLines(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return [.. reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    private static void GzipLines(string path, IEnumerable<string> lines)
    {
        using var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        gzip.Write(Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"));
    }
}
