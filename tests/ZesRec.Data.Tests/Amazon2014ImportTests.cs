using System.IO.Compression;
using System.Text;
using ZesRec.Data.Import;

namespace ZesRec.Data.Tests;

public sealed class Amazon2014ImportTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Import_should_read_python_literal_metadata_with_title_and_flattened_categories()
    {
        // Given 2014-shaped files: JSON reviews, and metadata as Python literals (as the SNAP files hold them)
        Gzip("reviews_Office_Products_5.json.gz",
            """{"reviewerID": "U1", "asin": "A1", "overall": 5.0, "unixReviewTime": 1390003200}""",
            """{"reviewerID": "U1", "asin": "B2", "unixReviewTime": 1390089600}""",
            """{"reviewerID": "U2", "asin": "A1", "unixReviewTime": 1390176000}""");
        Gzip("meta_Office_Products.json.gz",
            """{'asin': 'A1', 'title': "Smith's Stapler", 'price': 3.17, 'related': {'also_bought': ['B2']}, 'salesRank': {'Office Products': 211836}, 'categories': [['Office Products', 'Staplers']]}""",
            """{'asin': 'B2', 'categories': [['Office Products', 'Paper'], ['Office Products']], 'brand': 'Acme', 'imUrl': None}""",
            """{'asin': 'C3', 'title': 'broken""",
            """{'asin': 'D4', 'title': 'Bell\x07'}""");

        // When
        var (ds, report) = DatasetImporters.Import("amazon2014", _temp.Path, "office");

        // Then the reviewed items are read, text from the title or brand + categories; the broken line is rejected
        Assert.Equal(["A1", "B2"], ds.Items.Select(i => i.ItemId));
        Assert.Equal("Smith's Stapler", ds.Items[0].Text);
        Assert.Equal("Acme. Office Products, Paper", ds.Items[1].Text);
        Assert.Equal(3, ds.Interactions.Count);
        var rejection = Assert.Single(report.Rejections);
        Assert.Equal(3, rejection.Line);
        Assert.Contains("unterminated string", rejection.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{'a': [1, 2.5, -3, True, False, None, (4,)], 'b': {'c': 'd\\'e\\n\\x41\\u00e9'}}", "{\"a\":[1,2.5,-3,true,false,null,[4]],\"b\":{\"c\":\"d'e\\nA\u00e9\"}}")]
    [InlineData("[]", "[]")]
    public void Python_literal_should_read_as_the_json_it_means(string literal, string json)
    {
        Assert.Equal(json, PythonLiteralJson(literal));
    }

    [Theory]
    [InlineData("{'a': 1")]
    [InlineData("{'a' 1}")]
    [InlineData("{1: 2}")]
    [InlineData("'\\U0000D800'")]
    [InlineData("os.system('x')")]
    public void Python_literal_should_refuse_what_is_not_a_literal(string text)
    {
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => PythonLiteralJson(text));
    }

    [Fact]
    public void Python_literal_should_refuse_deep_nesting_instead_of_exhausting_the_stack()
    {
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => PythonLiteralJson(new string('[', 100_000)));
    }

    private static string PythonLiteralJson(string text) =>
        PythonLiteral.Parse(text)?.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) ?? "null";

    private void Gzip(string name, params string[] lines)
    {
        using var gzip = new GZipStream(File.Create(_temp[name]), CompressionLevel.Fastest);
        gzip.Write(Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"));
    }
}
