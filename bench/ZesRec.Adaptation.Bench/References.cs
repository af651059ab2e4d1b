using ZesRec.Evaluation;
using ZesRec.Evaluation.Metrics;
using ZesRec.Evaluation.Oracles;
using ZesRec.Evaluation.Rankers;
using ZesRec.Model;
using ZesRec.Streaming.Adaptation;
using ZesRec.Text;
using static TorchSharp.torch;

namespace ZesRec.Adaptation.Bench;

/// <summary>
/// The two reference lines, scored offline on the stream's events under the processor's protocol (every position,
/// seen items excluded, a repeat a miss): EMB-KNN on every event, and an in-domain item-id oracle trained on the
/// events before a cut and scored on the events after it.
/// </summary>
internal static class References
{
    private static readonly EvaluationProtocol Online = new(AllPositions: true, ExcludeSeen: true);

    public static ScoredEvent?[] EmbKnn(StreamIndex stream, string textCache, Device device)
    {
        using var encoder = TextEncoders.Create("minilm", textCache);
        using var text = TextFeatures.Encode(encoder, stream.ItemTexts, device);
        return Score(new EmbKnnRanker(text), stream, 0);
    }

    /// <summary>GRU4Rec on item ids with the given D and learning rate, trained on the events before <paramref name="cut"/>; 10 % of its users validate.</summary>
    public static (ScoredEvent?[] Events, double Seconds, int TrainInteractions) Oracle(StreamIndex stream, int cut, int dim, double learningRate, Device device, TextWriter log)
    {
        var prefix = stream.Prefix(cut);
        var order = Enumerable.Range(0, prefix.Count).ToArray();
        new Random(1).Shuffle(order);
        var validation = order.Take(prefix.Count / 10).ToHashSet();
        var train = prefix.Where((_, i) => !validation.Contains(i)).ToList();
        var valid = prefix.Where((_, i) => validation.Contains(i)).ToList();
        var spec = new OracleSpec(UserEncoderVariant.Parse("gru4rec"), Meta: false);
        var trainer = new OracleTrainer(new ZesRecConfig { MaxEpochs = 20 }, grid: false, log, new Dictionary<string, (int, double)> { [spec.Name] = (dim, learningRate) });
        using var ids = ItemIdFeatures.Create(stream.ItemTexts.Count, device);
        var trained = trainer.Train(spec, ids, train, valid, seed: 1);
        using var ranker = new SequenceModelRanker(spec.Name, trained.Model, ids);
        return (Score(ranker, stream, cut), trained.Seconds, prefix.Sum(u => u.Items.Length));
    }

    // Per stream position: the ranker's outcome for the event there, null before `from`.
    private static ScoredEvent?[] Score(IRanker ranker, StreamIndex stream, int from)
    {
        var ranks = Evaluator.Evaluate(ranker, stream.Users, Online, seed: 1).Ranks;
        var result = new ScoredEvent?[stream.Ordered.Count];
        var r = 0;
        foreach (var positions in stream.Positions)
        {
            foreach (var s in positions)
            {
                var rank = ranks[r++];
                if (s >= from)
                {
                    result[s] = new ScoredEvent(RankMetrics.Ndcg(rank, 20), RankMetrics.Recall(rank, 20) > 0);
                }
            }
        }

        return result;
    }
}
