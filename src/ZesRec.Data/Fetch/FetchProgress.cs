namespace ZesRec.Data.Fetch;

/// <summary>Bytes of one file so far; <see cref="Total"/> is null when the server does not say.</summary>
public readonly record struct FetchProgress(string FileName, long Done, long? Total);
