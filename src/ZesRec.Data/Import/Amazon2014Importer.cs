using System.Text.Json;
using System.Text.Json.Nodes;

namespace ZesRec.Data.Import;

/// <summary>
/// Raw Amazon 2014 files (McAuley et al., SNAP): <c>reviews_Category_5.json.gz</c> (JSON lines: reviewerID, asin,
/// unixReviewTime) and <c>meta_Category.json.gz</c> beside it, whose lines are Python literals (single-quoted
/// strings) with title, description, brand and <c>categories</c> as lists of category paths. Read like the 2018 files.
/// </summary>
public sealed class Amazon2014Importer : IDatasetImporter
{
    private const string ReviewPrefix = "reviews_";
    private const string ReviewSuffix = "_5.json.gz";

    public string Format => "amazon2014";

    public string Description => "raw Amazon 2014 reviews_Category_5.json.gz with meta_Category.json.gz (input: the review file, or a folder holding one)";

    public ImportResult Import(string input, string name)
    {
        var reviewsPath = Directory.Exists(input) ? SourceFile.FindOne(input, ReviewPrefix + "*" + ReviewSuffix) : input;
        var fileName = Path.GetFileName(reviewsPath);
        if (!fileName.StartsWith(ReviewPrefix, StringComparison.Ordinal) || !fileName.EndsWith(ReviewSuffix, StringComparison.Ordinal))
        {
            throw new DatasetFormatException(reviewsPath, null, $"expected a review file named {ReviewPrefix}Category{ReviewSuffix}");
        }

        var category = fileName[ReviewPrefix.Length..^ReviewSuffix.Length];
        var metaPath = Path.Combine(Path.GetDirectoryName(reviewsPath) ?? ".", $"meta_{category}.json.gz");
        return Amazon2018Importer.ImportFiles(Format, reviewsPath, metaPath, name, ParseMeta);
    }

    /// <summary>A metadata line as the 2018 shape: the category paths flattened into one <c>category</c> list.</summary>
    private static JsonDocument ParseMeta(string line)
    {
        if (PythonLiteral.Parse(line) is not JsonObject meta)
        {
            throw new JsonException("not a Python dict");
        }

        if (meta["categories"] is JsonArray paths && meta["category"] is null)
        {
            meta["category"] = new JsonArray([.. paths.OfType<JsonArray>().SelectMany(p => p).OfType<JsonValue>()
                .Select(v => v.TryGetValue(out string? s) ? s : null).OfType<string>().Distinct(StringComparer.Ordinal)
                .Select(s => (JsonNode?)JsonValue.Create(s))]);
        }

        try
        {
            return JsonSerializer.SerializeToDocument(meta);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // A string JSON cannot hold, such as an escaped unpaired surrogate.
            throw new JsonException(e.Message, e);
        }
    }
}
