using System.Globalization;

namespace ZesRec.Data.Import;

/// <summary>
/// ReChorus files: <c>train.csv</c>, <c>dev.csv</c>, <c>test.csv</c> (tab-separated user_id, item_id, time in
/// unix seconds; dev/test add sampled negatives, ignored here), <c>*.text</c> (ASIN, text) and
/// <c>*.item2index</c> (ASIN → integer id), used so that item ids are the real ASINs.
/// </summary>
public sealed class ReChorusImporter : IDatasetImporter
{
    public string Format => "rechorus";

    public string Description => "ReChorus train.csv/dev.csv/test.csv (user_id, item_id, time) with *.text and *.item2index";

    public ImportResult Import(string input, string name)
    {
        SourceFile.RequireDirectory(input);
        var builder = new DatasetBuilder(Format);
        var textPath = SourceFile.FindOne(input, "*.text");
        foreach (var (line, text) in SourceFile.ReadWithHeader(textPath, '\t', (l, r) => builder.RejectItem(textPath, l, r), ["id", "text"], ["item_id", "text"]))
        {
            var columns = text.Split('\t');
            if (columns.Length != 2)
            {
                builder.RejectItem(textPath, line, $"expected 2 tab-separated columns, found {columns.Length}");
                continue;
            }

            builder.AddItem(textPath, line, columns[0], columns[1]);
        }

        var mapPath = SourceFile.FindOne(input, "*.item2index");
        var asins = IndexFile.ReadReverse(mapPath);
        var mapName = Path.GetFileName(mapPath);

        // File order train, dev, test is time order within a user; ties in the (day-level) times keep it.
        foreach (var split in new[] { "train.csv", "dev.csv", "test.csv" })
        {
            var path = Path.Combine(input, split);
            if (!File.Exists(path))
            {
                continue;
            }

            foreach (var (line, text) in SourceFile.ReadWithHeader(path, '\t', (l, r) => builder.RejectInteractionRow(path, l, r), ["user_id", "item_id", "time"], ["user_id", "item_id", "time", "neg_items"]))
            {
                var columns = text.Split('\t');
                if (columns.Length is < 3 or > 4)
                {
                    builder.RejectInteractionRow(path, line, $"expected 3 or 4 tab-separated columns, found {columns.Length}");
                }
                else if (!int.TryParse(columns[1], NumberStyles.None, CultureInfo.InvariantCulture, out var item))
                {
                    builder.RejectInteractionRow(path, line, $"item id '{columns[1]}' is not an integer");
                }
                else if (!long.TryParse(columns[2], NumberStyles.None, CultureInfo.InvariantCulture, out var time))
                {
                    builder.RejectInteractionRow(path, line, $"time '{columns[2]}' is not unix seconds");
                }
                else if (!asins.TryGetValue(item, out var asin))
                {
                    builder.RejectInteractionRow(path, line, $"item {item} is not in {mapName}");
                }
                else
                {
                    builder.AddInteractionAt(path, line, columns[0], asin, time);
                }
            }
        }

        return builder.Build(name, textPath);
    }
}
