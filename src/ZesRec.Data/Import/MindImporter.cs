using System.Globalization;

namespace ZesRec.Data.Import;

/// <summary>
/// MIND TSV (no header): <c>news.tsv</c> (id, category, subcategory, title, abstract, url, two entity
/// columns) and <c>behaviors.tsv</c> (impression id, user, time, click history, impressions "N1-1 N2-0").
/// Clicked impressions become interactions at the impression time. The click history has no times: it is
/// the same on every impression of a user, so it is taken once, from the user's earliest impression, and
/// given synthetic timestamps one second apart ending one second before that impression.
/// </summary>
public sealed class MindImporter : IDatasetImporter
{
    private const string TimeFormat = "M/d/yyyy h:mm:ss tt";

    public string Format => "mind";

    public string Description => "MIND news.tsv (title + abstract) and behaviors.tsv (history clicks, then clicked impressions)";

    public ImportResult Import(string input, string name)
    {
        SourceFile.RequireDirectory(input);
        var builder = new DatasetBuilder(Format);
        var newsPath = Path.Combine(input, "news.tsv");
        foreach (var (line, text) in SourceFile.ReadLines(newsPath, (l, r) => builder.RejectItem(newsPath, l, r)))
        {
            var columns = text.Split('\t');
            if (columns.Length != 8)
            {
                if (line == 1)
                {
                    throw new DatasetFormatException(newsPath, 1, $"expected 8 tab-separated columns (MIND news.tsv), found {columns.Length}");
                }

                builder.RejectItem(newsPath, line, $"expected 8 tab-separated columns, found {columns.Length}");
                continue;
            }

            var title = columns[3].Trim();
            var summary = columns[4].Trim();
            builder.AddItem(newsPath, line, columns[0], title.Length == 0 ? "" : summary.Length == 0 ? title : $"{title}. {summary}");
        }

        var behaviorsPath = Path.Combine(input, "behaviors.tsv");
        var impressions = new List<Impression>();
        foreach (var (line, text) in SourceFile.ReadLines(behaviorsPath, (l, r) => builder.RejectInteractionRow(behaviorsPath, l, r, interactions: 0)))
        {
            var columns = text.Split('\t');
            if (columns.Length != 5)
            {
                if (line == 1)
                {
                    throw new DatasetFormatException(behaviorsPath, 1, $"expected 5 tab-separated columns (MIND behaviors.tsv), found {columns.Length}");
                }

                builder.RejectInteractionRow(behaviorsPath, line, $"expected 5 tab-separated columns, found {columns.Length}", interactions: 0);
                continue;
            }

            if (!DateTime.TryParseExact(columns[2], TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
            {
                builder.RejectInteractionRow(behaviorsPath, line, $"time '{columns[2]}' is not '{TimeFormat}'", interactions: 0);
                continue;
            }

            impressions.Add(new Impression(line, columns[1], new DateTimeOffset(time, TimeSpan.Zero), columns[3], columns[4]));
        }

        // Histories first, per user in order of first appearance, each before the user's earliest impression.
        var earliest = impressions
            .GroupBy(i => i.User, StringComparer.Ordinal)
            .Select(g => g.MinBy(i => i.Time)!)
            .OrderBy(i => i.Line);
        foreach (var first in earliest)
        {
            var history = first.History.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i < history.Length; i++)
            {
                builder.AddInteractionAt(behaviorsPath, first.Line, first.User, history[i], first.Time.ToUnixTimeSeconds() + i - history.Length);
            }
        }

        foreach (var impression in impressions)
        {
            foreach (var shown in impression.Shown.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (shown.EndsWith("-1", StringComparison.Ordinal))
                {
                    builder.AddInteraction(behaviorsPath, impression.Line, impression.User, shown[..^2], impression.Time, null);
                }
                else if (!shown.EndsWith("-0", StringComparison.Ordinal))
                {
                    builder.RejectInteractionRow(behaviorsPath, impression.Line, $"impression '{shown}' is not 'NEWSID-1' or 'NEWSID-0'", interactions: 0);
                }
            }
        }

        return builder.Build(name, newsPath);
    }

    private sealed record Impression(int Line, string User, DateTimeOffset Time, string History, string Shown);
}
