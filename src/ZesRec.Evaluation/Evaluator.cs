using ZesRec.Data;
using ZesRec.Evaluation.Metrics;
using ZesRec.Evaluation.Rankers;
using static TorchSharp.torch;

namespace ZesRec.Evaluation;

/// <summary>Ranks each prediction point's target among ALL target items and averages the metrics.</summary>
public static class Evaluator
{
    public sealed record Outcome(MetricSet Metrics, long[] Ranks);

    public static Outcome Evaluate(IRanker ranker, IReadOnlyList<UserSequence> users, EvaluationProtocol protocol, long seed)
    {
        var generator = new Generator((ulong)seed);
        var ranks = new List<long>();
        var chunkSize = protocol.AllPositions ? 64 : 512;
        foreach (var chunk in users.Where(u => u.Items.Length > 0).Chunk(chunkSize))
        {
            using var scope = NewDisposeScope();
            var points = PredictionPoints.Of(chunk, protocol.AllPositions);
            var scores = ranker.Scores(chunk, protocol.AllPositions).cpu();
            var n = (int)scores.shape[1];
            var targets = tensor(points.Select(p => (long)chunk[p.User].Items[p.Position]).ToArray());
            Tensor? excluded = null;
            if (protocol.ExcludeSeen)
            {
                var mask = new bool[points.Count * n];
                for (var r = 0; r < points.Count; r++)
                {
                    var (u, p) = points[r];
                    for (var k = 0; k < p; k++)
                    {
                        mask[(r * n) + chunk[u].Items[k]] = true;
                    }
                }

                excluded = tensor(mask, [points.Count, n]);
            }

            ranks.AddRange(RankCalculator.Ranks(scores, targets, excluded, generator));
        }

        return new Outcome(MetricSet.FromRanks(ranks), [.. ranks]);
    }
}
