namespace ZesRec.Data.Import;

/// <summary>Converts one public dataset format into an <see cref="EventLogDataset"/>.</summary>
public interface IDatasetImporter
{
    /// <summary>The value of <c>--format</c>.</summary>
    string Format { get; }

    string Description { get; }

    /// <summary>Reads <paramref name="input"/>; bad rows go to the report, a structurally broken file throws <see cref="DatasetFormatException"/>.</summary>
    ImportResult Import(string input, string name);
}
