namespace ZesRec.Data.Import;

public static class DatasetImporters
{
    public static IReadOnlyList<IDatasetImporter> All { get; } =
    [
        new RecBoleImporter(),
        new ReChorusImporter(),
        new Amazon2018Importer(),
        new Amazon2014Importer(),
        new MovieLensImporter(),
        new MindImporter(),
        new TsvImporter(),
    ];

    public static IDatasetImporter Get(string format) =>
        All.FirstOrDefault(i => string.Equals(i.Format, format, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown format '{format}'; known: {string.Join(", ", All.Select(i => i.Format))}");

    public static ImportResult Import(string format, string input, string name) => Get(format).Import(input, name);

    /// <summary>Imports and saves; any error leaves <paramref name="outDir"/> as it was (Save renames a finished folder into place).</summary>
    public static ImportResult ImportTo(string format, string input, string outDir, string name)
    {
        var result = Import(format, input, name);
        result.Dataset.Save(outDir);
        return result;
    }
}
