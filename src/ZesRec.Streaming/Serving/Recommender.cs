using System.Runtime.InteropServices;
using ZesRec.Model;
using ZesRec.Streaming.Storage;
using static TorchSharp.torch;

namespace ZesRec.Streaming.Serving;

/// <summary>
/// Batched user-state steps and top-K scoring over the whole catalogue on the device. With <see cref="Shortlist"/>
/// (<c>Processing:ScorePrecision = bf16</c>; the catalogue must keep a bfloat16 copy), the product over every item runs in bfloat16 and
/// shortlists the <see cref="ShortlistMargin"/> + k best of each user, which are then scored exactly in 32-bit
/// floats and ranked by those scores.
/// </summary>
public sealed class Recommender(ZesRecModel model, ItemCatalog catalog, Device device) : ITopKScorer, IDisposable
{
    /// <summary>Items beyond k the bfloat16 pass shortlists per user for the exact re-scoring.</summary>
    public const int ShortlistMargin = 44;

    /// <summary>Score through the catalogue's bfloat16 copy and re-score the shortlist exactly (see the class).</summary>
    public bool Shortlist { get; init; }

    // The [B, N] score matrix, reused from batch to batch: a fresh 60 MB result per batch of 512 × 30,000 cost
    // the kernel a page fault per 4 KiB, which made the product about 1.5× slower. Used under the catalogue's lock.
    private Tensor? scoreBuffer;
    private Tensor? shortScoreBuffer;

    private readonly Lock lastStepLock = new();

    private (float[][] Rows, Tensor Tensor)? lastStep;

    /// <summary>Threads of the CPU top-k; libtorch's own thread count, which is what the matrix product used.</summary>
    private static int TopKWorkers => Math.Max(1, get_num_threads());

    public int StateSize => model.StateSize;

    /// <summary>States of new users: the dummy start item consumed at <paramref name="times"/>.</summary>
    public float[][] StartStates(IReadOnlyList<long> times)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var t = tensor(times.Select(x => (double)x).ToArray(), device: device);
        return Rows(model.StartState(t));
    }

    /// <summary>Consumes one item per row; returns the new state rows.</summary>
    public float[][] Step(IReadOnlyList<float[]> states, IReadOnlyList<int> itemRows, IReadOnlyList<long> times)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var stateTensor = Stack(states);
        var items = catalog.Read((matrix, _) => matrix.index_select(0, tensor(itemRows.Select(r => (long)r).ToArray(), device: device)).clone());
        var next = model.Step(items, tensor(times.Select(x => (double)x).ToArray(), device: device), stateTensor);
        var rows = Rows(next);
        Remember(rows, next);
        return rows;
    }

    /// <summary>
    /// Whether the model's state is a function of the user's last inputs (<see cref="ZesRecModel.StateWindow"/>): then
    /// the stored history is enough, no state vector is stored, and <see cref="Restore"/> rebuilds it on read-back.
    /// </summary>
    public bool StatesFromHistory => model.StateWindow is not null;

    /// <summary>
    /// The states of stored users rebuilt from their histories, for a model with a state window W: a user with fewer
    /// than W interactions (the dummy start item and every item fit in the window) from the start state through every
    /// item, as the stream applied them; any other from zeros through the last W items, which gives the same state.
    /// History items no longer in the catalogue are left out.
    /// </summary>
    public float[][] Restore(IReadOnlyList<UserStateRow> rows)
    {
        var window = model.StateWindow ?? throw new InvalidOperationException(
            $"the stored states of {rows.Count} users hold no state vector, but this model's state is not a function of its last inputs; the store was written by another model");
        if (rows.Count == 0)
        {
            return [];
        }

        var steps = new List<(int Row, long Key)>[rows.Count];
        var fromStart = new bool[rows.Count];
        for (var u = 0; u < rows.Count; u++)
        {
            var row = rows[u];
            var keys = row.HistoryKeys is { } k && k.Length == row.History.Length ? k : null;
            fromStart[u] = row.Interactions < window;
            var first = fromStart[u] ? 0 : Math.Max(0, row.History.Length - window);
            steps[u] = [];
            for (var i = first; i < row.History.Length; i++)
            {
                if (catalog.TryGetRow(row.History[i], out var itemRow))
                {
                    steps[u].Add((itemRow, keys?[i] ?? row.LastOrderKey ?? 0));
                }
            }
        }

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var startKeys = rows.Select((r, u) => steps[u].Count > 0 ? steps[u][0].Key : r.LastOrderKey ?? 0).Select(k => (double)k).ToArray();
        var start = model.StartState(tensor(startKeys, device: device));
        var keep = tensor(fromStart, device: device).unsqueeze(1);
        var state = where(keep, start, zeros_like(start));
        var longest = steps.Length == 0 ? 0 : steps.Max(s => s.Count);
        // Users step together, position by position, as the stream steps a batch's users in waves.
        for (var t = 0; t < longest; t++)
        {
            var active = Enumerable.Range(0, rows.Count).Where(u => steps[u].Count > t).ToArray();
            var index = tensor(active.Select(u => (long)u).ToArray(), device: device);
            var itemRows = tensor(active.Select(u => (long)steps[u][t].Row).ToArray(), device: device);
            var items = catalog.Read((matrix, _) => matrix.index_select(0, itemRows).clone());
            var times = tensor(active.Select(u => (double)steps[u][t].Key).ToArray(), device: device);
            state = state.index_copy(0, index, model.Step(items, times, state.index_select(0, index)));
        }

        return Rows(state);
    }

    /// <summary>User vectors [B][D] of state rows.</summary>
    public float[][] UserVectors(IReadOnlyList<float[]> states)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return Rows(model.UserVector(Stack(states)));
    }

    /// <summary>
    /// The best <paramref name="k"/> items for each state row, excluding each row's <paramref name="exclude"/> set,
    /// in one [B, N] matrix product.
    /// </summary>
    public IReadOnlyList<(string ItemId, float Score)[]> TopK(IReadOnlyList<float[]> states, IReadOnlyList<IReadOnlySet<string>> exclude, int k)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        // Held while the step's tensor is in use, so a step on another thread cannot dispose it under this one.
        using var recalling = lastStepLock.EnterScope();
        var users = model.UserVector(Recalled(states) ?? Stack(states));

        // Rows of known ids never move, so exclusions can be resolved before taking the catalogue's lock.
        var rows = new List<long>();
        var cols = new List<long>();
        for (var b = 0; b < exclude.Count; b++)
        {
            foreach (var seen in exclude[b])
            {
                if (catalog.TryGetRow(seen, out var row))
                {
                    rows.Add(b);
                    cols.Add(row);
                }
            }
        }

        return catalog.ReadForScoring((matrix, shortCopy, ids) =>
        {
            var shortMatrix = Shortlist ? shortCopy ?? throw new InvalidOperationException("shortlist scoring needs a catalogue that keeps a bfloat16 copy") : null;
            if (ids.Count == 0)
            {
                return (IReadOnlyList<(string, float)[]>)[.. states.Select(_ => Array.Empty<(string, float)>())];
            }

            // The bfloat16 product is ranked in place: a 32-bit copy of it cost as much as a third of the product.
            var scores = shortMatrix is null
                ? model.Scores(users, matrix, ScoreBuffer(states.Count, ids.Count, ScalarType.Float32))
                : model.Scores(users.to(ScalarType.BFloat16), shortMatrix, ScoreBuffer(states.Count, ids.Count, ScalarType.BFloat16));
            if (rows.Count > 0)
            {
                scores.index_put_(float.NegativeInfinity, tensor(rows.ToArray(), device: device), tensor(cols.ToArray(), device: device));
            }

            // Removed and expired items keep their rows for state steps but are never candidates.
            if (catalog.HiddenRows is { Length: > 0 } hidden)
            {
                scores.index_fill_(1, tensor(hidden, device: device), float.NegativeInfinity);
            }

            var take = Math.Min(shortMatrix is null ? k : k + ShortlistMargin, ids.Count);
            var (v, ix, counts) = SelectTop(scores, states.Count, ids.Count, take);
            if (shortMatrix is not null)
            {
                // Seen and hidden items never made the shortlist.
                var shortlists = Enumerable.Range(0, states.Count).Select(b => ix.AsSpan(b * take, counts[b]).ToArray()).ToArray();
                return ApproximateScorer.RankExactly(Rows(users), shortlists, matrix, ids, (_, _) => false, k);
            }

            var result = new (string, float)[states.Count][];

            for (var b = 0; b < states.Count; b++)
            {
                var ranked = new (string, float)[counts[b]];
                for (var j = 0; j < ranked.Length; j++)
                {
                    ranked[j] = (ids[ix[(b * take) + j]], v[(b * take) + j]);
                }

                result[b] = ranked;
            }

            return (IReadOnlyList<(string, float)[]>)result;
        });
    }

    public void Dispose()
    {
        scoreBuffer?.Dispose();
        shortScoreBuffer?.Dispose();
        lock (lastStepLock)
        {
            lastStep?.Tensor.Dispose();
            lastStep = null;
        }
    }

    // The last Step's result, kept as a tensor: scoring right after a step ranks exactly those rows, and stacking
    // them again from C# arrays cost a TCN batch 9.8 MB of copies (512 users x 4,800 floats).
    private void Remember(float[][] rows, Tensor next)
    {
        lock (lastStepLock)
        {
            lastStep?.Tensor.Dispose();
            lastStep = (rows, next.DetachFromDisposeScope());
        }
    }

    private Tensor? Recalled(IReadOnlyList<float[]> states) =>
        lastStep is { } last && ReferenceEquals(last.Rows, states) ? last.Tensor : null;

    // A contiguous [rows, columns] view of the reused buffer of that type, grown by a quarter more than needed when
    // too small.
    private Tensor ScoreBuffer(int rows, int columns, ScalarType type)
    {
        ref var buffer = ref type == ScalarType.BFloat16 ? ref shortScoreBuffer : ref scoreBuffer;
        var needed = (long)rows * columns;
        if (buffer is null || buffer.NumberOfElements < needed)
        {
            buffer?.Dispose();
            buffer = empty([needed + (needed / 4)], type, device: device).DetachFromDisposeScope();
        }

        return buffer.narrow(0, 0, needed).view(rows, columns);
    }

    // Row-wise top-k, best first; excluded items (minus infinity) are dropped, so a row can hold fewer than take.
    private static (float[] Values, int[] Columns, int[] Counts) SelectTop(Tensor scores, int rows, int columns, int take)
    {
        var values = new float[rows * take];
        var indices = new int[rows * take];
        if (scores.device_type == TorchSharp.DeviceType.CPU)
        {
            var flat = scores.contiguous();
            var counts = scores.dtype == ScalarType.BFloat16
                ? TopKSelector.SelectBFloat16(() => MemoryMarshal.Cast<byte, ushort>(flat.bytes), rows, columns, take, values, indices, TopKWorkers)
                : TopKSelector.Select(() => MemoryMarshal.Cast<byte, float>(flat.bytes), rows, columns, take, values, indices, TopKWorkers);
            return (values, indices, counts);
        }

        var (top, at) = scores.to(ScalarType.Float32).topk(take, dim: 1);
        top.cpu().data<float>().CopyTo(values, 0, 0);
        var longs = at.cpu().data<long>().ToArray();
        var filled = new int[rows];
        for (var b = 0; b < rows; b++)
        {
            for (var j = 0; j < take; j++)
            {
                indices[(b * take) + j] = (int)longs[(b * take) + j];
                if (!float.IsNegativeInfinity(values[(b * take) + j]))
                {
                    filled[b] = j + 1;
                }
            }
        }

        return (values, indices, filled);
    }

    // Rows copied straight into a new tensor's storage, and back out of it: one copy each way.
    private Tensor Stack(IReadOnlyList<float[]> states)
    {
        var stacked = empty(states.Count, StateSize);
        var flat = MemoryMarshal.Cast<byte, float>(stacked.bytes);
        for (var i = 0; i < states.Count; i++)
        {
            states[i].CopyTo(flat.Slice(i * StateSize, StateSize));
        }

        return device.type == TorchSharp.DeviceType.CPU ? stacked : stacked.to(device);
    }

    private static float[][] Rows(Tensor batch)
    {
        var width = (int)batch.shape[1];
        // Not disposed here: cpu() and contiguous() may hand back the batch itself, which the caller may still keep.
        var flat = MemoryMarshal.Cast<byte, float>(batch.cpu().contiguous().bytes);
        var rows = new float[batch.shape[0]][];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = flat.Slice(i * width, width).ToArray();
        }

        return rows;
    }
}
