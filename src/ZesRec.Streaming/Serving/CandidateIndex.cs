using Cloud.Unum.USearch;

namespace ZesRec.Streaming.Serving;

/// <summary>
/// An in-process HNSW graph (USearch, inner-product metric, 32-bit or bfloat16 vectors) over the catalogue's visible items, keyed
/// by catalogue row. The catalogue keeps it in step: an added or updated item is (re)inserted, a removed or expired
/// one taken out, one that comes back inserted again. Its answers are candidates, not rankings: scoring re-ranks them
/// exactly (<see cref="ApproximateScorer"/>). Changes and searches both run under the catalogue's lock, so they never
/// overlap; searches of one batch run in parallel, inserts one at a time.
/// </summary>
public sealed class CandidateIndex : IDisposable
{
    /// <summary>
    /// The default search breadth: at 1,000,000 items it keeps recall@20 above 0.95 with a bfloat16 graph
    /// (docs/benchmarks.md, Large catalogues); USearch's own default is 64.
    /// </summary>
    public const int DefaultSearchBreadth = 128;

    /// <summary>USearch's default connectivity (HNSW's M).</summary>
    public const int DefaultConnectivity = 16;

    private readonly int dim;
    private readonly HashSet<int> present = [];
    private readonly int threads;
    private IntPtr handle;
    private ulong capacity;
    private int searchBreadth;

    /// <param name="dim">The vectors' dimension.</param>
    /// <param name="threads">Threads a batch of searches runs on.</param>
    /// <param name="searchBreadth">See <see cref="SearchBreadth"/>.</param>
    /// <param name="connectivity">
    /// Links each node keeps to its neighbours (HNSW's M; the bottom layer keeps twice as many). A denser graph
    /// finds more of the exact best items at the same search breadth and costs memory and build time in proportion;
    /// the construction breadth is 8 × M (USearch's 128 at its default M of 16).
    /// </param>
    /// <param name="bfloat16">
    /// Whether the graph keeps its vectors in bfloat16 (half the memory; distances computed in bfloat16) instead of
    /// 32-bit floats. Only the candidates come from these distances: they are re-ranked by exact 32-bit scores.
    /// </param>
    public CandidateIndex(int dim, int threads, int searchBreadth = DefaultSearchBreadth, int connectivity = DefaultConnectivity, bool bfloat16 = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(searchBreadth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(connectivity, 2);
        this.dim = dim;
        this.threads = Math.Max(1, threads);
        this.searchBreadth = searchBreadth;
        var options = new IndexOptions
        {
            metric_kind = MetricKind.Ip,
            quantization = bfloat16 ? ScalarKind.BFloat16 : ScalarKind.Float32,
            dimensions = (ulong)dim,
            connectivity = (ulong)connectivity,
            expansion_add = 8 * (ulong)connectivity,
            expansion_search = (ulong)searchBreadth,
            multi = false,
        };
        handle = UsearchNative.usearch_init(ref options, out var error);
        UsearchNative.Check(error, "init");
    }

    /// <summary>
    /// How many nodes a search keeps in its frontier while it walks the graph (HNSW's ef), never fewer than the
    /// candidates it is asked for. Wider searches find more of the exact best items and cost more per search;
    /// docs/benchmarks.md ("Large catalogues") measures both.
    /// </summary>
    public int SearchBreadth
    {
        get => searchBreadth;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            UsearchNative.usearch_change_expansion_search(handle, (nuint)value, out var error);
            UsearchNative.Check(error, "search breadth");
            searchBreadth = value;
        }
    }

    /// <summary>Items in the graph (visible items of the catalogue).</summary>
    public int Count => present.Count;

    /// <summary>Bytes the graph and its vectors take, as USearch counts them.</summary>
    public long MemoryBytes
    {
        get
        {
            var bytes = UsearchNative.usearch_memory_usage(handle, out var error);
            UsearchNative.Check(error, "memory usage");
            return (long)bytes;
        }
    }

    public bool Contains(int row) => present.Contains(row);

    /// <summary>
    /// Inserts the rows with their vectors (<paramref name="vectors"/> is rows × D, row-major), replacing those
    /// already in the graph. Inserts run one at a time: USearch 2.26's C API took concurrent inserts without an
    /// error but left a graph in which a search as broad as the catalogue missed items (about one run in two of
    /// <c>ApproximateScorerTests</c> with two threads, none with one).
    /// </summary>
    public void Set(IReadOnlyList<int> rows, float[] vectors)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vectors.Length, rows.Count * dim);
        foreach (var row in rows)
        {
            Remove(row);
        }

        Reserve((ulong)(present.Count + rows.Count));
        for (var i = 0; i < rows.Count; i++)
        {
            UsearchNative.usearch_add(handle, (ulong)rows[i], vectors.AsSpan(i * dim, dim), ScalarKind.Float32, out var error);
            UsearchNative.Check(error, "add");
        }

        foreach (var row in rows)
        {
            present.Add(row);
        }
    }

    /// <summary>Takes a row out of the graph; a row not in it is left alone.</summary>
    public void Remove(int row)
    {
        if (present.Remove(row))
        {
            UsearchNative.usearch_remove(handle, (ulong)row, out var error);
            UsearchNative.Check(error, "remove");
        }
    }

    /// <summary>
    /// The approximate nearest rows by inner product for each query (each D floats), as many as its
    /// <paramref name="counts"/> entry (fewer when the graph holds fewer), in parallel on the configured threads.
    /// </summary>
    public int[][] Search(IReadOnlyList<float[]> queries, IReadOnlyList<int> counts)
    {
        var result = new int[queries.Count][];
        var parts = Math.Clamp(threads, 1, Math.Max(1, queries.Count));
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, part =>
        {
            var keys = Array.Empty<ulong>();
            var distances = Array.Empty<float>();
            for (var i = queries.Count * part / parts; i < queries.Count * (part + 1) / parts; i++)
            {
                if (keys.Length < counts[i])
                {
                    keys = new ulong[counts[i]];
                    distances = new float[counts[i]];
                }

                var found = (int)UsearchNative.usearch_search(handle, queries[i], ScalarKind.Float32, (nuint)counts[i], keys, distances, out var error);
                UsearchNative.Check(error, "search");
                var rows = new int[found];
                for (var j = 0; j < found; j++)
                {
                    rows[j] = (int)keys[j];
                }

                result[i] = rows;
            }
        });
        return result;
    }

    public void Dispose()
    {
        if (handle != IntPtr.Zero)
        {
            UsearchNative.usearch_free(handle, out _);
            handle = IntPtr.Zero;
        }
    }

    // Capacity doubles, so a catalogue loaded in batches is not copied once per batch; threads are set with it,
    // since USearch sizes its per-thread search contexts when it reserves.
    private void Reserve(ulong needed)
    {
        if (needed <= capacity)
        {
            return;
        }

        var target = Math.Max(needed, Math.Max(1024, capacity * 2));
        UsearchNative.usearch_reserve(handle, (nuint)target, out var error);
        UsearchNative.Check(error, "reserve");
        UsearchNative.usearch_change_threads_add(handle, (nuint)threads, out error);
        UsearchNative.Check(error, "thread limit");
        UsearchNative.usearch_change_threads_search(handle, (nuint)threads, out error);
        UsearchNative.Check(error, "thread limit");
        capacity = target;
    }
}
