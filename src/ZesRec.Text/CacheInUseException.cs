namespace ZesRec.Text;

/// <summary>Another process holds the embedding cache file; callers may encode without the cache.</summary>
public sealed class CacheInUseException(string path, IOException inner)
    : IOException($"Embedding cache {path} is in use by another process: {inner.Message}", inner);
