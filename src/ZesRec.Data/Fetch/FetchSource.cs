namespace ZesRec.Data.Fetch;

/// <summary>A dataset <c>zesrec data fetch NAME</c> knows: its files, and the import that reads them.</summary>
public sealed record FetchSource(string Name, string Description, string ImportFormat, IReadOnlyList<RemoteFile> Files);
