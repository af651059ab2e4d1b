using ZesRec.Model;
using ZesRec.Streaming.Storage;
using static TorchSharp.torch;

namespace ZesRec.Streaming.Upgrade;

/// <summary>
/// Runs users' stored histories through a model, as the processor would have applied them: the start state at the
/// first item's order key, then one step per item with its key. Rows from before order keys were kept step every
/// item at the last order key (exact for models that ignore time, GRU4Rec and TCN).
/// </summary>
public sealed class StateRebuilder(ZesRecModel model, Device device)
{
    /// <summary>
    /// The rebuilt rows, in the order given, with the same offsets, counts and histories; <paramref name="itemVectors"/>
    /// maps each item id to the model's vector. A history item without a vector is skipped (it was removed).
    /// </summary>
    public List<UserStateRow> Rebuild(IReadOnlyList<UserStateRow> rows, IReadOnlyDictionary<string, float[]> itemVectors)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(itemVectors);
        var steps = rows.Select(r => Steps(r, itemVectors)).ToList();
        var states = new float[rows.Count][];
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        // Users step together, position by position, as the processor steps a batch's users in waves.
        var startKeys = rows.Select((r, i) => steps[i].Count > 0 ? steps[i][0].Key : r.LastOrderKey ?? 0).ToArray();
        var state = model.StartState(tensor(startKeys.Select(k => (double)k).ToArray(), device: device));
        var longest = steps.Count == 0 ? 0 : steps.Max(s => s.Count);
        for (var t = 0; t < longest; t++)
        {
            var active = Enumerable.Range(0, rows.Count).Where(i => steps[i].Count > t).ToArray();
            using var index = tensor(active.Select(i => (long)i).ToArray(), device: device);
            var items = stack(active.Select(i => tensor(steps[i][t].Vector, device: device)).ToArray());
            var times = tensor(active.Select(i => (double)steps[i][t].Key).ToArray(), device: device);
            var next = model.Step(items, times, state.index_select(0, index));
            state = state.index_copy(0, index, next);
        }

        var flat = state.cpu().data<float>().ToArray();
        var size = rows.Count == 0 ? 0 : flat.Length / rows.Count;
        for (var i = 0; i < rows.Count; i++)
        {
            states[i] = flat.AsSpan(i * size, size).ToArray();
        }

        return [.. rows.Select((r, i) => r with { State = states[i] })];
    }

    private static List<(float[] Vector, long Key)> Steps(UserStateRow row, IReadOnlyDictionary<string, float[]> itemVectors)
    {
        var keys = row.HistoryKeys is { } k && k.Length == row.History.Length ? k : null;
        var steps = new List<(float[], long)>(row.History.Length);
        for (var i = 0; i < row.History.Length; i++)
        {
            if (itemVectors.TryGetValue(row.History[i], out var vector))
            {
                steps.Add((vector, keys?[i] ?? row.LastOrderKey ?? 0));
            }
        }

        return steps;
    }
}
