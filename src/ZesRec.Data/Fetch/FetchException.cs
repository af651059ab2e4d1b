namespace ZesRec.Data.Fetch;

/// <summary>A download that failed (HTTP error, connection lost, checksum mismatch); one sentence naming the URL or file.</summary>
public sealed class FetchException(string message, Exception? inner = null) : Exception(message, inner);
