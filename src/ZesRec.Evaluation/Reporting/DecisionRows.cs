using System.Globalization;
using ZesRec.Evaluation.Oracles;

namespace ZesRec.Evaluation.Reporting;

/// <summary>
/// What an evaluation decided, as results.csv lines beside the metrics (same columns): every oracle training with
/// its settings (protocol <c>training (grid|given|default)</c>; metrics D, lr, best_epoch, validation_loss and
/// chosen = 1 for the model evaluated) and the overlap counts (experiment <c>checks</c>).
/// </summary>
public static class DecisionRows
{
    public static IReadOnlyList<string> Metrics { get; } =
        ["D", "lr", "best_epoch", "validation_loss", "chosen", "shared_items", "shared_users", "removed_interactions"];

    /// <summary>The protocol column of an oracle training.</summary>
    public static string TrainingProtocol(string chosenBy) => $"training ({chosenBy})";

    public static IEnumerable<(string Experiment, string Method, string Run, string Protocol, long Interactions, double Seconds, string Metric, double Value)> Of(
        IEnumerable<OracleRun> oracleRuns, OverlapCounts? overlap)
    {
        foreach (var r in oracleRuns)
        {
            var run = string.Create(CultureInfo.InvariantCulture, $"seed {r.Seed}");
            var protocol = TrainingProtocol(r.ChosenBy);
            double[] values = [r.Dim, r.LearningRate, r.BestEpoch, r.ValidationLoss, r.Chosen ? 1 : 0];
            for (var i = 0; i < values.Length; i++)
            {
                yield return (r.Experiment, r.Oracle, run, protocol, r.TrainInteractions, r.Seconds, Metrics[i], values[i]);
            }
        }

        if (overlap is not null)
        {
            yield return ("checks", "overlap", overlap.Source, "-", 0, 0, "shared_items", overlap.SharedItems);
            yield return ("checks", "overlap", overlap.Source, "-", 0, 0, "shared_users", overlap.SharedUsers);
            yield return ("checks", "overlap", overlap.Source, "-", 0, 0, "removed_interactions", overlap.RemovedInteractions);
        }
    }
}
