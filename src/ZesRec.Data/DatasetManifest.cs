namespace ZesRec.Data;

/// <summary>The <c>dataset.json</c> beside the two event files; the counts let a load detect a truncated file.</summary>
public sealed record DatasetManifest(
    int FormatVersion,
    string Name,
    string SourceFormat,
    int ItemCount,
    int InteractionCount,
    int UserCount,
    DateTimeOffset CreatedAt)
{
    public const string FileName = "dataset.json";
    public const int CurrentFormatVersion = 1;
}
