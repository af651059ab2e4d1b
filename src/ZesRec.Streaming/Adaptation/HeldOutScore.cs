using ZesRec.Model;
using ZesRec.Model.Training;
using static TorchSharp.torch;

namespace ZesRec.Streaming.Adaptation;

/// <summary>
/// NDCG@K and Recall@K of a model on held-out interactions, how many were scored and, when known, each
/// interaction's NDCG (0 for a miss), in the same order for every model scored on the same slice.
/// </summary>
public sealed record HeldOutScore(double Ndcg, double Recall, long Targets, IReadOnlyList<double>? PerTarget = null)
{
    private const int Chunk = 256;

    /// <summary>
    /// Scores every held-out interaction as the processor would have recommended it: from the user's state after
    /// every earlier interaction (the last <c>MaxLength</c> items, as in training), over the whole stored catalogue
    /// minus the items the user has already had. A repeat of a seen item is a miss, as online; a tie counts half
    /// of the tied items as ahead, so a model that scores everything alike ranks its targets in the middle.
    /// </summary>
    public static HeldOutScore Of(ZesRecModel model, Tensor textEmbeddings, IReadOnlyList<HeldOutSequence> sequences, Device device, int k = 20)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sequences);
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var items = model.ItemVectors(textEmbeddings);
        var itemCount = (int)items.shape[0];
        var maxLength = model.Config.MaxLength;
        // One view per held-out interaction: the items before it (at most MaxLength) and the interaction itself.
        var views = sequences.SelectMany(s => Enumerable.Range(s.From, s.Sequence.Items.Length - s.From).Select(j => (s.Sequence, Target: j))).ToList();
        var perTarget = new double[views.Count];
        var at = 0;
        long hits = 0;
        foreach (var chunk in views.Chunk(Chunk))
        {
            using var inner = NewDisposeScope();
            var rows = chunk.Select(v =>
            {
                var start = Math.Max(0, v.Target + 1 - maxLength);
                return new TrainingSequence(v.Sequence.Items[start..(v.Target + 1)], v.Sequence.Times[start..(v.Target + 1)]);
            }).ToList();
            using var batch = SequenceBatch.Create(rows, itemCount, maxLength, device);
            var users = NextItemObjective.UserVectors(model, batch, items);
            // Valid positions are laid out row by row: each row's last one predicts its target.
            var last = new long[rows.Count];
            long end = -1;
            for (var r = 0; r < rows.Count; r++)
            {
                end += rows[r].Items.Length;
                last[r] = end;
            }

            var scores = model.Scores(users.index_select(0, tensor(last, device: device)), items).cpu();
            var flat = scores.data<float>().ToArray();
            for (var r = 0; r < chunk.Length; r++, at++)
            {
                var (sequence, target) = chunk[r];
                var item = sequence.Items[target];
                var seen = new HashSet<int>(sequence.Items[..target]);
                if (seen.Contains(item))
                {
                    continue;
                }

                var row = flat.AsSpan(r * itemCount, itemCount);
                var score = row[item];
                if (!float.IsFinite(score))
                {
                    // Weights that score nothing meaningful rank nothing.
                    continue;
                }

                long greater = 0;
                long ties = 0;
                for (var i = 0; i < itemCount; i++)
                {
                    if (i == item || seen.Contains(i))
                    {
                        continue;
                    }

                    if (row[i] > score)
                    {
                        greater++;
                    }
                    else if (row[i] == score)
                    {
                        ties++;
                    }
                }

                var rank = 1 + greater + (ties / 2);
                if (rank <= k)
                {
                    perTarget[at] = 1.0 / Math.Log2(rank + 1);
                    hits++;
                }
            }
        }

        return views.Count == 0 ? new HeldOutScore(0, 0, 0, []) : new HeldOutScore(perTarget.Sum() / views.Count, (double)hits / views.Count, views.Count, perTarget);
    }
}
