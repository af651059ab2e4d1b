using System.IO.Compression;
using System.Text;
using CsCheck;
using ZesRec.Data.Import;

namespace ZesRec.Data.Tests;

/// <summary>
/// Generated source files with control characters, invalid UTF-8, edge timestamps and truncated gzip: every import
/// ends either clean (every kept value obeys <see cref="TextRules"/>, every rejection names a real line) or in a
/// <see cref="DatasetFormatException"/> naming the file, never in another exception.
/// </summary>
public sealed class ImportPropertyTests
{
    private const int Iterations = 300;

    private static readonly Gen<byte[]> Word = Gen.Char['a', 'z'].Array[1, 6].Select(c => Encoding.UTF8.GetBytes(c));

    /// <summary>A field: mostly plain, sometimes any Unicode text, raw control bytes, or bytes that need not be UTF-8.</summary>
    private static readonly Gen<byte[]> Field = Gen.Frequency(
        (6, Word),
        (2, Gen.Char.Array[0, 6].Select(c => Encoding.UTF8.GetBytes(c))),
        (2, Gen.Select(Word, Gen.Byte[0, 0x1F], Word, (a, c, b) => (byte[])[.. a, c, .. b])),
        (2, Gen.Byte.Array[1, 6]),
        (1, Gen.Const("\u0085\u009f"u8.ToArray())));

    private static readonly Gen<string> Timestamp = Gen.Frequency(
        (4, Gen.Long[0, 2_000_000_000].Select(t => t.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        (3, Gen.OneOf(Gen.Const(UnixTime.MinSeconds), Gen.Const(UnixTime.MaxSeconds), Gen.Const(UnixTime.MinSeconds - 1), Gen.Const(UnixTime.MaxSeconds + 1), Gen.Const(long.MinValue), Gen.Const(long.MaxValue), Gen.Long)
            .Select(t => t.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        (1, Gen.OneOf(Gen.Const("99999999999999999999"), Gen.Const("-"), Gen.Const(""), Gen.Const("1e9"))));

    private static readonly Gen<byte[][]> ItemRows = Gen.Select(Field, Field, (id, text) => Row(id, text)).Array[0, 8];

    private static readonly Gen<byte[][]> InteractionRows = Gen.Select(Field, Field, Timestamp, (user, item, time) => Row(user, item, Encoding.UTF8.GetBytes(time))).Array[0, 8];

    [Fact]
    public void Tsv_import_should_be_clean_or_fail_naming_file_and_line_for_any_rows()
    {
        Gen.Select(ItemRows, InteractionRows).Sample((items, interactions) =>
        {
            using var temp = new TempFolder();
            var input = temp["in"];
            Directory.CreateDirectory(input);
            var itemsPath = Path.Combine(input, "items.tsv");
            var interactionsPath = Path.Combine(input, "interactions.tsv");

            // One valid item and interaction each, so that most samples import and the kept values get checked.
            var lines = new Dictionary<string, int>
            {
                [itemsPath] = WriteLines(itemsPath, [Row("item_id"u8.ToArray(), "text"u8.ToArray()), Row("a"u8.ToArray(), "beaker"u8.ToArray()), .. items]),
                [interactionsPath] = WriteLines(interactionsPath, [Row("user_id"u8.ToArray(), "item_id"u8.ToArray(), "timestamp"u8.ToArray()), Row("u"u8.ToArray(), "a"u8.ToArray(), "1"u8.ToArray()), .. interactions]),
            };

            AssertCleanOrNamed(() => DatasetImporters.ImportTo("tsv", input, temp["out"], "t"), lines, temp["out"]);
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void Amazon_import_should_fail_naming_the_file_when_a_gzip_file_is_cut_anywhere()
    {
        var reviews = Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(0, 200).Select(i => $"{{\"reviewerID\": \"U{i % 17}\", \"asin\": \"A{i % 23}\", \"unixReviewTime\": {1_500_000_000 + i}}}")) + "\n");
        var meta = Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(0, 23).Select(i => $"{{\"asin\": \"A{i}\", \"title\": \"Item {i}\"}}")) + "\n");
        var compressed = Gzip(reviews);

        Gen.Int[0, compressed.Length].Sample(cut =>
        {
            using var temp = new TempFolder();
            var input = temp["in"];
            Directory.CreateDirectory(input);
            var reviewsPath = Path.Combine(input, "Shop_5.json.gz");
            File.WriteAllBytes(reviewsPath, compressed[..cut]);
            File.WriteAllBytes(Path.Combine(input, "meta_Shop.json.gz"), Gzip(meta));

            if (cut == compressed.Length)
            {
                Assert.Equal(200, DatasetImporters.Import("amazon2018", input, "shop").Dataset.Interactions.Count);
                return;
            }

            var error = Assert.Throws<DatasetFormatException>(() => DatasetImporters.ImportTo("amazon2018", input, temp["out"], "shop"));
            Assert.Equal(reviewsPath, error.File);
            Assert.False(Directory.Exists(temp["out"]));
        }, iter: Iterations, threads: 1);
    }

    private static void AssertCleanOrNamed(Func<ImportResult> import, Dictionary<string, int> lineCounts, string output)
    {
        ImportResult result;
        try
        {
            result = import();
        }
        catch (DatasetFormatException e)
        {
            Assert.Contains(e.File, lineCounts.Keys.Append(Path.GetDirectoryName(lineCounts.Keys.First())!));
            Assert.True(e.Line is not null || e.Reason.Contains("empty", StringComparison.Ordinal), e.Message);
            Assert.False(Directory.Exists(output));
            return;
        }

        var (ds, report) = result;
        Assert.All(ds.Items, i => Assert.Null(TextRules.IdProblem(i.ItemId) ?? TextRules.TextProblem(i.Text)));
        Assert.All(ds.Interactions, i => Assert.Null(TextRules.IdProblem(i.UserId) ?? TextRules.IdProblem(i.ItemId)));
        Assert.All(report.Rejections, r => Assert.InRange(r.Line, 2, lineCounts[r.File]));
        Assert.Equal(ds.Interactions.Count, EventLogDataset.Load(output).Interactions.Count);
    }

    private static byte[] Row(params byte[][] fields)
    {
        var row = new List<byte>();
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                row.Add((byte)'\t');
            }

            row.AddRange(fields[i]);
        }

        return [.. row];
    }

    /// <summary>Writes the rows and returns the number of lines in the file (a generated field may hold a line feed).</summary>
    private static int WriteLines(string path, IEnumerable<byte[]> rows)
    {
        byte[] bytes = [.. rows.SelectMany(r => r.Append((byte)'\n'))];
        File.WriteAllBytes(path, bytes);
        return bytes.Count(b => b == (byte)'\n');
    }

    private static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return buffer.ToArray();
    }
}
