using System.Diagnostics;
using System.Globalization;
using ZesRec.Data;
using ZesRec.Evaluation.Metrics;
using ZesRec.Evaluation.Oracles;
using ZesRec.Evaluation.Rankers;

namespace ZesRec.Evaluation.Steps;

/// <summary>Evaluates rankers under the protocols asked for and keeps every row and oracle training, printing each row.</summary>
internal sealed class Results(IReadOnlyList<UserSequence> testUsers, IReadOnlyList<EvaluationProtocol> protocols, TextWriter log)
{
    public IReadOnlyList<EvaluationProtocol> Protocols => protocols;

    public List<ResultRow> Rows { get; } = [];

    public List<OracleRun> OracleRuns { get; } = [];

    /// <param name="trainSeconds">Training time, added to each row's evaluation time.</param>
    /// <param name="only">Protocols to use instead of all those asked for.</param>
    public void Record(IRanker ranker, string run, long seed, double trainSeconds, string experiment = "main", long interactions = 0, IReadOnlyList<EvaluationProtocol>? only = null)
    {
        foreach (var protocol in only ?? protocols)
        {
            var watch = Stopwatch.StartNew();
            var outcome = Evaluator.Evaluate(ranker, testUsers, protocol, seed);
            var row = new ResultRow(experiment, ranker.Name, run, protocol.Name, interactions, outcome.Metrics, trainSeconds + watch.Elapsed.TotalSeconds);
            Rows.Add(row);
            var metrics = string.Join("  ", MetricSet.Names.Select((name, i) => string.Create(CultureInfo.InvariantCulture, $"{name} {outcome.Metrics.Values[i]:F4}")));
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{experiment,-11} {ranker.Name,-16} {run,-24} {protocol.Name,-28} {metrics}  ({row.Seconds:F1} s)"));
        }
    }

    public void AddOracleRuns(IEnumerable<OracleRun> runs, string experiment, long interactions) =>
        OracleRuns.AddRange(runs.Select(r => r with { Experiment = experiment, TrainInteractions = interactions }));
}
