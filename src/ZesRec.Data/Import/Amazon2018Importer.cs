using System.Text.Json;

namespace ZesRec.Data.Import;

/// <summary>
/// Raw Amazon 2018 files: <c>Category_5.json.gz</c> (one review per line: reviewerID, asin, unixReviewTime)
/// and <c>meta_Category.json.gz</c> beside it (asin, title, description, brand, category). The catalogue is
/// the items of the 5-core review file; metadata of items nobody there reviewed is left out.
/// </summary>
public sealed class Amazon2018Importer : IDatasetImporter
{
    private const string ReviewSuffix = "_5.json.gz";

    public string Format => "amazon2018";

    public string Description => "raw Amazon 2018 Category_5.json.gz reviews with meta_Category.json.gz (input: the review file, or a folder holding one)";

    public ImportResult Import(string input, string name)
    {
        var reviewsPath = Directory.Exists(input) ? SourceFile.FindOne(input, "*" + ReviewSuffix) : input;
        var fileName = Path.GetFileName(reviewsPath);
        if (!fileName.EndsWith(ReviewSuffix, StringComparison.Ordinal))
        {
            throw new DatasetFormatException(reviewsPath, null, $"expected a review file named Category{ReviewSuffix}");
        }

        var category = fileName[..^ReviewSuffix.Length];
        var metaPath = Path.Combine(Path.GetDirectoryName(reviewsPath) ?? ".", $"meta_{category}.json.gz");
        return ImportFiles(Format, reviewsPath, metaPath, name, text => JsonDocument.Parse(text));
    }

    /// <summary>The 5-core reviews and the metadata of one category (shared with the 2014 files, whose metadata differs in syntax).</summary>
    internal static ImportResult ImportFiles(string format, string reviewsPath, string metaPath, string name, Func<string, JsonDocument> parseMeta)
    {
        var fileName = Path.GetFileName(reviewsPath);
        var builder = new DatasetBuilder(format);
        var reviewed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (line, text) in SourceFile.ReadLines(reviewsPath, (l, r) => builder.RejectInteractionRow(reviewsPath, l, r)))
        {
            if (ReadReview(text) is not var (user, asin, time))
            {
                builder.RejectInteractionRow(reviewsPath, line, "not a JSON review with string reviewerID, string asin and integer unixReviewTime");
                continue;
            }

            reviewed.Add(asin);
            builder.AddInteractionAt(reviewsPath, line, user, asin, time);
        }

        var notReviewed = 0;
        var duplicates = 0;
        foreach (var (line, text) in SourceFile.ReadLines(metaPath, (l, r) => builder.RejectItem(metaPath, l, r)))
        {
            JsonDocument doc;
            try
            {
                doc = parseMeta(text);
            }
            catch (JsonException e)
            {
                builder.RejectItem(metaPath, line, $"invalid metadata line: {e.Message}");
                continue;
            }

            using (doc)
            {
                try
                {
                    AddItem(builder, metaPath, line, doc.RootElement, reviewed, ref notReviewed, ref duplicates);
                }
                catch (InvalidOperationException e)
                {
                    // JSON that parses but holds a string .NET cannot read, such as an escaped unpaired surrogate.
                    builder.RejectItem(metaPath, line, $"unreadable JSON string: {e.Message}");
                }
            }
        }

        builder.Note($"{notReviewed} metadata lines of items not reviewed in {fileName} left out of the catalogue");
        builder.Note($"{duplicates} repeated metadata lines of an already imported item skipped");
        return builder.Build(name, metaPath);
    }

    private static void AddItem(DatasetBuilder builder, string metaPath, int line, JsonElement meta, HashSet<string> reviewed, ref int notReviewed, ref int duplicates)
    {
        if (meta.ValueKind != JsonValueKind.Object || !meta.TryGetProperty("asin", out var asinElement) || asinElement.ValueKind != JsonValueKind.String)
        {
            builder.RejectItem(metaPath, line, "no string 'asin'");
            return;
        }

        var asin = asinElement.GetString()!;
        if (!reviewed.Contains(asin))
        {
            notReviewed++;
        }
        else if (builder.HasItem(asin))
        {
            // The 2018 meta files repeat some lines verbatim; the first one wins.
            duplicates++;
        }
        else
        {
            builder.AddItem(metaPath, line, asin, AmazonItemText.From(meta));
        }
    }

    private static (string User, string Asin, long Time)? ReadReview(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("reviewerID", out var user) && user.ValueKind == JsonValueKind.String
                && root.TryGetProperty("asin", out var asin) && asin.ValueKind == JsonValueKind.String
                && root.TryGetProperty("unixReviewTime", out var time) && time.TryGetInt64(out var seconds)
                ? (user.GetString()!, asin.GetString()!, seconds)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
