using System.Globalization;

namespace ZesRec.Data.Import;

/// <summary>
/// RecBole / UniSRec atomic files: <c>P.text</c> or <c>P.item</c> (item_id:token, text columns) and
/// <c>P.{train,valid,test}.inter</c> (user_id, item_id_list, target), one row per prefix of a user's sequence,
/// with optional <c>P.item2index</c> / <c>P.user2index</c> mapping real ids to the integers in the rows.
/// RecBole keeps order, not time, so each interaction gets its position in the user's sequence.
/// </summary>
public sealed class RecBoleImporter : IDatasetImporter
{
    private static readonly string[] InterHeader = ["user_id:token", "item_id_list:token_seq", "item_id:token"];

    public string Format => "recbole";

    public string Description => "RecBole/UniSRec atomic files (.text or .item, .{train,valid,test}.inter, optional .item2index/.user2index)";

    public ImportResult Import(string input, string name)
    {
        SourceFile.RequireDirectory(input);
        var testInter = SourceFile.FindOne(input, "*.test.inter");
        var prefix = Path.GetFileName(testInter)[..^".test.inter".Length];
        var builder = new DatasetBuilder(Format);

        var itemFile = SourceFile.FindOptional(input, prefix + ".text") ?? SourceFile.FindOne(input, prefix + ".item");
        ReadItems(itemFile, builder);

        var itemMapPath = Path.Combine(input, prefix + ".item2index");
        var userMapPath = Path.Combine(input, prefix + ".user2index");
        var itemIds = File.Exists(itemMapPath) ? IndexFile.ReadReverse(itemMapPath) : null;
        var userIds = File.Exists(userMapPath) ? IndexFile.ReadReverse(userMapPath) : null;

        // Test rows first: they are the longest windows, and the stitcher prefers the first on ties.
        var interFiles = new[] { "test", "valid", "train" }
            .Select(split => Path.Combine(input, $"{prefix}.{split}.inter"))
            .Where(File.Exists)
            .ToList();
        var windows = new Dictionary<string, List<(int[] Window, (string File, int Line) Tag)>>(StringComparer.Ordinal);
        var userOrder = new List<string>();
        foreach (var file in interFiles)
        {
            ReadWindows(file, builder, windows, userOrder);
        }

        foreach (var userToken in userOrder)
        {
            var userWindows = windows[userToken];
            var (sequence, unplaced) = SequenceStitcher.Stitch(userWindows);
            foreach (var (file, line) in unplaced)
            {
                builder.RejectInteractionRow(file, line, $"row of user {userToken} does not fit the user's reconstructed sequence", interactions: 0);
            }

            var (seedFile, seedLine) = userWindows[0].Tag;
            string? userId = userToken;
            if (userIds is not null)
            {
                userId = int.TryParse(userToken, NumberStyles.Integer, CultureInfo.InvariantCulture, out var u) && userIds.TryGetValue(u, out var real) ? real : null;
                if (userId is null)
                {
                    builder.RejectInteractionRow(seedFile, seedLine, $"user {userToken} is not in {Path.GetFileName(userMapPath)}", sequence.Length);
                    continue;
                }
            }

            for (var position = 0; position < sequence.Length; position++)
            {
                var token = sequence[position];
                string itemId;
                if (itemIds is null)
                {
                    itemId = token.ToString(CultureInfo.InvariantCulture);
                }
                else if (!itemIds.TryGetValue(token, out itemId!))
                {
                    builder.RejectInteractionRow(seedFile, seedLine, $"item {token} is not in {Path.GetFileName(itemMapPath)}");
                    continue;
                }

                builder.AddInteraction(seedFile, seedLine, userId, itemId, null, position);
            }
        }

        return builder.Build(name, itemFile);
    }

    private static void ReadItems(string path, DatasetBuilder builder)
    {
        var header = SourceFile.ReadLines(path).FirstOrDefault().Text?.Split('\t') ?? [];
        if (header.Length < 2 || header[0] != "item_id:token")
        {
            throw new DatasetFormatException(path, 1, $"unexpected header '{string.Join('\t', header)}'; expected 'item_id:token' followed by text columns");
        }

        foreach (var (line, text) in SourceFile.ReadWithHeader(path, '\t', (l, r) => builder.RejectItem(path, l, r), header))
        {
            var columns = text.Split('\t');
            if (columns.Length != header.Length)
            {
                builder.RejectItem(path, line, $"expected {header.Length} tab-separated columns, found {columns.Length}");
                continue;
            }

            builder.AddItem(path, line, columns[0], string.Join(' ', columns.Skip(1).Select(c => c.Trim()).Where(c => c.Length > 0)));
        }
    }

    private static void ReadWindows(
        string path,
        DatasetBuilder builder,
        Dictionary<string, List<(int[] Window, (string File, int Line) Tag)>> windows,
        List<string> userOrder)
    {
        foreach (var (line, text) in SourceFile.ReadWithHeader(path, '\t', (l, r) => builder.RejectInteractionRow(path, l, r, interactions: 0), InterHeader))
        {
            var columns = text.Split('\t');
            if (columns.Length != 3)
            {
                builder.RejectInteractionRow(path, line, $"expected 3 tab-separated columns, found {columns.Length}", interactions: 0);
                continue;
            }

            var tokens = columns[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var window = new int[tokens.Length + 1];
            var ok = int.TryParse(columns[2], NumberStyles.None, CultureInfo.InvariantCulture, out window[^1]);
            for (var i = 0; ok && i < tokens.Length; i++)
            {
                ok = int.TryParse(tokens[i], NumberStyles.None, CultureInfo.InvariantCulture, out window[i]);
            }

            if (!ok)
            {
                builder.RejectInteractionRow(path, line, "item ids must be non-negative integers", interactions: 0);
                continue;
            }

            if (!windows.TryGetValue(columns[0], out var list))
            {
                windows[columns[0]] = list = [];
                userOrder.Add(columns[0]);
            }

            list.Add((window, (path, line)));
        }
    }
}
