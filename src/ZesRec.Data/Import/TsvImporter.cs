using System.Globalization;

namespace ZesRec.Data.Import;

/// <summary>
/// The tiny fixtures: <c>items.tsv</c> (item_id, text) and <c>interactions.tsv</c> (user_id, item_id,
/// and either <c>timestamp</c> in unix seconds or <c>position</c>).
/// </summary>
public sealed class TsvImporter : IDatasetImporter
{
    public string Format => "tsv";

    public string Description => "folder with items.tsv (item_id, text) and interactions.tsv (user_id, item_id, timestamp|position)";

    public ImportResult Import(string input, string name)
    {
        SourceFile.RequireDirectory(input);
        var builder = new DatasetBuilder(Format);
        var itemsPath = Path.Combine(input, "items.tsv");
        foreach (var (line, text) in SourceFile.ReadWithHeader(itemsPath, '\t', (l, r) => builder.RejectItem(itemsPath, l, r), ["item_id", "text"]))
        {
            var columns = text.Split('\t');
            if (columns.Length != 2)
            {
                builder.RejectItem(itemsPath, line, $"expected 2 tab-separated columns, found {columns.Length}");
                continue;
            }

            builder.AddItem(itemsPath, line, columns[0], columns[1]);
        }

        var interactionsPath = Path.Combine(input, "interactions.tsv");
        var byTime = true;
        var header = SourceFile.ReadLines(interactionsPath).FirstOrDefault().Text ?? "";
        if (header.EndsWith("\tposition", StringComparison.Ordinal))
        {
            byTime = false;
        }

        foreach (var (line, text) in SourceFile.ReadWithHeader(interactionsPath, '\t', (l, r) => builder.RejectInteractionRow(interactionsPath, l, r), ["user_id", "item_id", "timestamp"], ["user_id", "item_id", "position"]))
        {
            var columns = text.Split('\t');
            if (columns.Length != 3)
            {
                builder.RejectInteractionRow(interactionsPath, line, $"expected 3 tab-separated columns, found {columns.Length}");
            }
            else if (!long.TryParse(columns[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var order))
            {
                builder.RejectInteractionRow(interactionsPath, line, $"'{columns[2]}' is not an integer {(byTime ? "timestamp" : "position")}");
            }
            else if (byTime)
            {
                builder.AddInteractionAt(interactionsPath, line, columns[0], columns[1], order);
            }
            else
            {
                builder.AddInteraction(interactionsPath, line, columns[0], columns[1], null, order);
            }
        }

        return builder.Build(name, itemsPath);
    }
}
