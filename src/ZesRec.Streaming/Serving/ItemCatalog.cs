using static TorchSharp.torch;

namespace ZesRec.Streaming.Serving;

/// <summary>
/// The target catalogue as one [items, D] matrix on the device, plus the id ↔ row maps. Items are added by the
/// item stream and read by the interaction stream, so every access takes the lock; an item can be recommended
/// from the moment its batch is added. For the exact 32-bit product the vectors are stored as the columns of a
/// [D, capacity] matrix, so that scoring multiplies by a contiguous [D, items] operand (about 15 % faster here than by a
/// transposed one); when scoring gathers candidate rows instead (a candidate index, or the bfloat16 shortlist), as the
/// rows of a [capacity, D] matrix, where a gather reads whole rows.
/// A removed or expired item keeps its row (users who interact with it still step with its vector) but is hidden:
/// its row is in <see cref="HiddenRows"/>, which scoring leaves out. With a <see cref="CandidateIndex"/> the
/// catalogue keeps it in step under the same lock: it holds exactly the visible items with their current vectors.
/// With a shortlist copy (<see cref="ReadForScoring{T}"/>) it also keeps the vectors in bfloat16, for the matrix
/// scorer's first pass.
/// </summary>
public sealed class ItemCatalog : IDisposable
{
    private readonly Lock sync = new();
    private readonly Dictionary<string, int> rows = new(StringComparer.Ordinal);
    private readonly List<string> ids = [];
    private readonly List<long?> createdTicks = [];
    private readonly List<bool> removed = [];
    private readonly List<bool> expired = [];
    private long[] hiddenRows = [];
    private long nextExpiryTicks = long.MinValue;
    private readonly int dim;
    private readonly Device device;
    // [D, capacity] (columns) or [capacity, D] (rows, rowMajor); the bfloat16 copy has the same layout.
    private readonly bool rowMajor;
    private Tensor stored;
    private Tensor? storedShort;
    private long version;

    /// <param name="dim">The item vectors' dimension.</param>
    /// <param name="device">Where the matrix lives.</param>
    /// <param name="initialCapacity">Rows held before the first growth.</param>
    /// <param name="index">The approximate index to keep in step, when scoring uses one.</param>
    /// <param name="shortlistCopy">Also keep a bfloat16 copy of the vectors (half the matrix's memory again).</param>
    public ItemCatalog(int dim, Device device, int initialCapacity = 1024, CandidateIndex? index = null, bool shortlistCopy = false)
    {
        this.dim = dim;
        this.device = device;
        Index = index;
        rowMajor = index is not null || shortlistCopy;
        stored = Allocate(Math.Max(initialCapacity, 1), ScalarType.Float32);
        storedShort = shortlistCopy ? Allocate(Math.Max(initialCapacity, 1), ScalarType.BFloat16) : null;
    }

    /// <summary>The approximate index of the visible items, when scoring uses one; read it inside <see cref="Read{T}"/> or a <see cref="Pin"/>.</summary>
    public CandidateIndex? Index { get; }

    public int Count
    {
        get
        {
            lock (sync)
            {
                return ids.Count;
            }
        }
    }

    public int Dim => dim;

    /// <summary>Items that can be recommended: neither removed nor expired.</summary>
    public int CandidateCount
    {
        get
        {
            lock (sync)
            {
                return ids.Count - hiddenRows.Length;
            }
        }
    }

    /// <summary>Rows scoring must leave out (removed or expired items), sorted; read it inside <see cref="Read{T}"/> for a consistent view.</summary>
    public long[] HiddenRows => Volatile.Read(ref hiddenRows);

    /// <summary>Changes with every upsert, so results computed over the catalogue can be cached against it.</summary>
    public long Version => Interlocked.Read(ref version);

    /// <summary>Adds new items and replaces the vectors of known ones; <paramref name="vectors"/> is [n, D].</summary>
    public void Upsert(IReadOnlyList<string> itemIds, Tensor vectors) => Upsert(itemIds, vectors, null);

    /// <summary>
    /// Adds new items and replaces the vectors of known ones; <paramref name="vectors"/> is [n, D]. With
    /// <paramref name="states"/> (one per id) each item's creation time and removed flag are set too; without, new
    /// items have no time and known ones keep theirs.
    /// </summary>
    public void Upsert(IReadOnlyList<string> itemIds, Tensor vectors, IReadOnlyList<CatalogState>? states)
    {
        lock (sync)
        {
            var target = new long[itemIds.Count];
            for (var i = 0; i < itemIds.Count; i++)
            {
                if (!rows.TryGetValue(itemIds[i], out var row))
                {
                    row = ids.Count;
                    rows[itemIds[i]] = row;
                    ids.Add(itemIds[i]);
                    createdTicks.Add(null);
                    removed.Add(false);
                    expired.Add(false);
                }

                if (states is not null)
                {
                    createdTicks[row] = states[i].CreatedAt?.UtcTicks;
                    removed[row] = states[i].Removed;
                    expired[row] = false;
                }

                target[i] = row;
            }

            nextExpiryTicks = long.MinValue;
            RebuildHidden();

            Grow(ids.Count);
            using var noGrad = no_grad();
            using var index = tensor(target, device: device);
            using var moved = rowMajor ? vectors.to(device) : vectors.to(device).t();
            stored.index_copy_(ItemAxis, index, moved);
            if (storedShort is not null)
            {
                using var narrow = moved.to(ScalarType.BFloat16);
                storedShort.index_copy_(ItemAxis, index, narrow);
            }

            SyncIndex(target.Select(r => (int)r).Distinct());
            Interlocked.Increment(ref version);
        }
    }

    /// <summary>Marks known items removed (hidden from scoring); returns how many were not removed before.</summary>
    public int Remove(IEnumerable<string> itemIds)
    {
        lock (sync)
        {
            var changed = 0;
            foreach (var id in itemIds)
            {
                if (rows.TryGetValue(id, out var row) && !removed[row])
                {
                    removed[row] = true;
                    Index?.Remove(row);
                    changed++;
                }
            }

            if (changed > 0)
            {
                RebuildHidden();
                Interlocked.Increment(ref version);
            }

            return changed;
        }
    }

    /// <summary>What the catalogue knows of an item: null when it has never been added.</summary>
    public CatalogState? StateOf(string itemId)
    {
        lock (sync)
        {
            return rows.TryGetValue(itemId, out var row)
                ? new CatalogState(createdTicks[row] is { } t ? new DateTimeOffset(t, TimeSpan.Zero) : null, removed[row])
                : null;
        }
    }

    /// <summary>
    /// The freshness policy: hides items created more than <paramref name="maxAge"/> before <paramref name="now"/>
    /// (items without a creation time never expire) and shows again those a newer creation time made fresh. Cheap
    /// when nothing is due. Returns how many items expired now.
    /// </summary>
    public int Expire(DateTimeOffset now, TimeSpan maxAge)
    {
        lock (sync)
        {
            if (now.UtcTicks < nextExpiryTicks)
            {
                return 0;
            }

            var cutoff = now.UtcTicks - maxAge.Ticks;
            var newly = 0;
            var changed = false;
            var flipped = new List<int>();
            var next = long.MaxValue;
            for (var row = 0; row < ids.Count; row++)
            {
                var old = createdTicks[row] is { } t && t < cutoff;
                if (old != expired[row])
                {
                    expired[row] = old;
                    changed = true;
                    flipped.Add(row);
                    newly += old && !removed[row] ? 1 : 0;
                }

                if (!old && createdTicks[row] is { } fresh)
                {
                    next = Math.Min(next, fresh + maxAge.Ticks);
                }
            }

            nextExpiryTicks = next;
            if (changed)
            {
                SyncIndex(flipped);
                RebuildHidden();
                Interlocked.Increment(ref version);
            }

            return newly;
        }
    }

    /// <summary>
    /// Holds the catalogue still while an interaction batch is applied: item changes wait for the batch to end, so
    /// every interaction of a batch steps with, and is scored against, the same vectors and candidates. Dispose on
    /// the thread that pinned it.
    /// </summary>
    public Lock.Scope Pin() => sync.EnterScope();

    public bool TryGetRow(string itemId, out int row)
    {
        lock (sync)
        {
            return rows.TryGetValue(itemId, out row);
        }
    }

    public string IdAt(int row)
    {
        lock (sync)
        {
            return ids[row];
        }
    }

    /// <summary>
    /// Runs <paramref name="read"/> with the live [count, D] view (of the rows, or a transposed view of the columns) under the
    /// lock, so no item is added half way through a scoring pass. The view must not escape <paramref name="read"/>.
    /// </summary>
    public T Read<T>(Func<Tensor, IReadOnlyList<string>, T> read)
    {
        lock (sync)
        {
            using var view = Live(stored);
            return read(view, ids);
        }
    }

    /// <summary>
    /// <see cref="Read{T}"/> with the bfloat16 copy's [count, D] view as well (null without a shortlist copy).
    /// </summary>
    public T ReadForScoring<T>(Func<Tensor, Tensor?, IReadOnlyList<string>, T> read)
    {
        lock (sync)
        {
            using var view = Live(stored);
            using var shortView = storedShort is null ? null : Live(storedShort);
            return read(view, shortView, ids);
        }
    }

    public void Dispose()
    {
        stored.Dispose();
        storedShort?.Dispose();
        Index?.Dispose();
    }

    // Visible rows go into the index with their current vector (replacing an older one), hidden rows leave it.
    private void SyncIndex(IEnumerable<int> changed)
    {
        if (Index is null)
        {
            return;
        }

        var show = new List<int>();
        foreach (var row in changed)
        {
            if (removed[row] || expired[row])
            {
                Index.Remove(row);
            }
            else
            {
                show.Add(row);
            }
        }

        if (show.Count == 0)
        {
            return;
        }

        using var noGrad = no_grad();
        using var at = tensor(show.Select(r => (long)r).ToArray(), device: device);
        using var picked = stored.index_select(ItemAxis, at);
        using var rowsFirst = (rowMajor ? picked : picked.t()).contiguous().cpu();
        Index.Set(show, rowsFirst.data<float>().ToArray());
    }

    private void RebuildHidden()
    {
        var hidden = new List<long>();
        for (var row = 0; row < ids.Count; row++)
        {
            if (removed[row] || expired[row])
            {
                hidden.Add(row);
            }
        }

        Volatile.Write(ref hiddenRows, [.. hidden]);
    }

    private void Grow(int needed)
    {
        var held = stored.shape[ItemAxis];
        if (needed <= held)
        {
            return;
        }

        var capacity = held;
        while (capacity < needed)
        {
            capacity *= 2;
        }

        stored = Grown(stored, capacity);
        if (storedShort is not null)
        {
            storedShort = Grown(storedShort, capacity);
        }
    }

    private Tensor Grown(Tensor matrix, long capacity)
    {
        var grown = Allocate(capacity, matrix.dtype);
        using (no_grad())
        {
            using var old = grown.narrow(ItemAxis, 0, matrix.shape[ItemAxis]);
            old.copy_(matrix);
        }

        matrix.Dispose();
        return grown;
    }

    // The dimension of the stored matrices that runs over items.
    private int ItemAxis => rowMajor ? 0 : 1;

    private Tensor Allocate(long capacity, ScalarType type) =>
        zeros(rowMajor ? [capacity, dim] : [dim, capacity], dtype: type, device: device);

    // The live [count, D] view of a matrix in the catalogue's layout.
    private Tensor Live(Tensor matrix)
    {
        if (rowMajor)
        {
            return matrix.narrow(0, 0, ids.Count);
        }

        using var live = matrix.narrow(1, 0, ids.Count);
        return live.t();
    }
}

/// <summary>An item's creation time (null: unknown, never expires) and whether an item-removed event took it out.</summary>
public readonly record struct CatalogState(DateTimeOffset? CreatedAt, bool Removed);
