using System.Globalization;

namespace ZesRec.Data.Import;

/// <summary>
/// GroupLens MovieLens CSV: <c>movies.csv</c> (movieId, title, genres) and <c>ratings.csv</c> (userId,
/// movieId, rating, timestamp). Implicit feedback: every rating, whatever its value, is an interaction.
/// </summary>
public sealed class MovieLensImporter : IDatasetImporter
{
    public string Format => "movielens";

    public string Description => "MovieLens movies.csv (title, genres) and ratings.csv (every rating is an interaction)";

    public ImportResult Import(string input, string name)
    {
        SourceFile.RequireDirectory(input);
        var builder = new DatasetBuilder(Format);
        var moviesPath = Path.Combine(input, "movies.csv");
        foreach (var (line, text) in SourceFile.ReadWithHeader(moviesPath, ',', (l, r) => builder.RejectItem(moviesPath, l, r), ["movieId", "title", "genres"]))
        {
            var columns = CsvLine.Split(text);
            if (columns is null || columns.Count != 3)
            {
                builder.RejectItem(moviesPath, line, columns is null ? "unbalanced quotes" : $"expected 3 comma-separated columns, found {columns.Count}");
                continue;
            }

            var genres = columns[2] == "(no genres listed)" ? "" : columns[2].Replace("|", ", ", StringComparison.Ordinal);
            builder.AddItem(moviesPath, line, columns[0], string.IsNullOrWhiteSpace(columns[1]) ? "" : genres.Length == 0 ? columns[1] : $"{columns[1]}. {genres}");
        }

        var ratingsPath = Path.Combine(input, "ratings.csv");
        foreach (var (line, text) in SourceFile.ReadWithHeader(ratingsPath, ',', (l, r) => builder.RejectInteractionRow(ratingsPath, l, r), ["userId", "movieId", "rating", "timestamp"]))
        {
            var columns = text.Split(',');
            if (columns.Length != 4)
            {
                builder.RejectInteractionRow(ratingsPath, line, $"expected 4 comma-separated columns, found {columns.Length}");
            }
            else if (!long.TryParse(columns[3], NumberStyles.None, CultureInfo.InvariantCulture, out var time))
            {
                builder.RejectInteractionRow(ratingsPath, line, $"timestamp '{columns[3]}' is not unix seconds");
            }
            else
            {
                builder.AddInteractionAt(ratingsPath, line, columns[0], columns[1], time);
            }
        }

        return builder.Build(name, moviesPath);
    }
}
