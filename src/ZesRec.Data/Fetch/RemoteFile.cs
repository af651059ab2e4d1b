namespace ZesRec.Data.Fetch;

/// <summary>
/// One file of a public dataset: where it is downloaded from, where it goes in the dataset folder, and its SHA-256
/// where the catalog pins one (a file fetched without a pin gets its checksum recorded beside it).
/// </summary>
public sealed record RemoteFile(string Url, string FileName, string? Sha256 = null)
{
    /// <summary>A zip archive unpacked into the dataset folder after download (a single top folder is dropped).</summary>
    public bool Unzip { get; init; }
}
