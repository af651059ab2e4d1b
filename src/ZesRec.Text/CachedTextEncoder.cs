namespace ZesRec.Text;

/// <summary>
/// Serves vectors from an on-disk cache keyed by the wrapped encoder's Name and the SHA-256 of each text,
/// so a rerun over the same catalogue encodes nothing. Texts repeated within one call are encoded once.
/// <see cref="Misses"/> counts texts sent to the wrapped encoder, <see cref="Hits"/> all other texts.
/// Thread-safe: calls are serialised. One process at a time may hold a cache file.
/// </summary>
public sealed class CachedTextEncoder : ITextEncoder
{
    private readonly ITextEncoder _inner;
    private readonly EmbeddingCacheFile _file;
    private readonly bool _leaveOpen;
    private readonly Lock _gate = new();
    private long _hits;
    private long _misses;

    /// <param name="leaveOpen">Keep <paramref name="inner"/> alive on Dispose (it is shared with other users).</param>
    public CachedTextEncoder(ITextEncoder inner, string directory, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _inner = inner;
        _leaveOpen = leaveOpen;
        _file = EmbeddingCacheFile.Open(directory, inner.Name, inner.Dimension);
    }

    public string Name => _inner.Name;

    public int Dimension => _inner.Dimension;

    public string CachePath => _file.Path;

    public int Count
    {
        get { lock (_gate) return _file.Entries.Count; }
    }

    public long Hits => Interlocked.Read(ref _hits);

    public long Misses => Interlocked.Read(ref _misses);

    public float[][] Encode(IReadOnlyList<string> texts, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        lock (_gate)
        {
            var result = new float[texts.Count][];
            var keys = new TextKey[texts.Count];
            var missing = new Dictionary<TextKey, int>();
            var missTexts = new List<string>();
            for (var i = 0; i < texts.Count; i++)
            {
                var text = texts[i] ?? throw new ArgumentException($"Text {i} is null.", nameof(texts));
                keys[i] = TextKey.Of(text);
                if (_file.Entries.TryGetValue(keys[i], out var cached))
                {
                    // A copy, so a caller scaling its vectors in place cannot corrupt later hits.
                    result[i] = (float[])cached.Clone();
                }
                else if (missing.TryAdd(keys[i], missTexts.Count))
                {
                    missTexts.Add(text);
                }
            }

            var served = texts.Count - missTexts.Count;
            progress?.Report(served);
            if (missTexts.Count > 0)
            {
                var inner = progress is null ? null : new Progress(p => progress.Report(served + p));
                var encoded = _inner.Encode(missTexts, inner);
                foreach (var (key, index) in missing)
                {
                    _file.Append(key, encoded[index]);
                    _file.Entries[key] = encoded[index];
                }
                _file.Flush();
                for (var i = 0; i < texts.Count; i++)
                {
                    result[i] ??= (float[])_file.Entries[keys[i]].Clone();
                }
            }

            Interlocked.Add(ref _hits, served);
            Interlocked.Add(ref _misses, missTexts.Count);
            return result;
        }
    }

    public void Dispose()
    {
        _file.Dispose();
        if (!_leaveOpen) _inner.Dispose();
    }

    // Synchronous, unlike System.Progress<T>, which posts to a captured context and could report out of order.
    private sealed class Progress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
