using System.Globalization;
using System.Text;
using ZesRec.Streaming.Adaptation;

namespace ZesRec.Adaptation.Bench;

/// <summary>summary.md (quarters, rounds, serving cost) and events.csv (every event of every line) of one replay.</summary>
internal static class Report
{
    public static string Write(
        string outDir, string name, StreamIndex stream, IReadOnlyList<int> boundaries, SideBySideResult result,
        ScoredEvent?[] embKnn, ScoredEvent?[] oracle, (double Seconds, int Interactions, string Dim, string Lr) oracleRun, double fraction, int window)
    {
        var n = stream.Ordered.Count;
        var quarters = Enumerable.Range(0, 4).Select(q => ((int)((long)n * q / 4), (int)((long)n * (q + 1) / 4))).ToList();
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine(inv, $"## {name}: {n:N0} interactions, {stream.Users.Count:N0} users, {stream.ItemTexts.Count:N0} items{(fraction < 1 ? $" (users kept by hash: {fraction:P0})" : "")}");
        md.AppendLine();
        var both = result.Both(0, n).Count;
        md.AppendLine(inv, $"Every figure is a mean over the {both:N0} interactions both processors scored ({n - both:N0} left out: a user's first interaction after the adaptive processor restarted with a promoted model holds no recommendation); the adaptive processor scored {result.ScoredTwice:N0} interactions again after a switch (the later outcome is kept).");
        md.AppendLine();
        md.AppendLine("| NDCG@20 / Recall@20 | Q1 | Q2 | Q3 | Q4 |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        Row("frozen (zero-shot)", q => SideBySideResult.Mean(result.Frozen, result.Both(q.Item1, q.Item2)));
        Row("adaptive", q => SideBySideResult.Mean(result.Adaptive, result.Both(q.Item1, q.Item2)));
        Row("EMB-KNN", q => SideBySideResult.Mean(embKnn, result.Both(q.Item1, q.Item2)));
        Row($"GRU4Rec id oracle, D={oracleRun.Dim} lr={oracleRun.Lr}, trained on Q1-Q3", q => SideBySideResult.Mean(oracle, result.Both(q.Item1, q.Item2)));
        md.AppendLine();
        md.AppendLine(inv, $"Oracle: {oracleRun.Interactions:N0} training interactions, {oracleRun.Seconds:F0} s to train.");
        md.AppendLine();
        md.AppendLine("| round after | decision | held-out NDCG@20 serving → candidate | held-out interactions | fine-tuned on | fine-tuning s | upgrade s |");
        md.AppendLine("|---:|---|---|---:|---:|---:|---:|");
        foreach (var r in result.Rounds)
        {
            var o = r.Outcome;
            md.AppendLine(inv, $"| {r.After:N0} | {o.Decision.ToString().ToLowerInvariant()} | {(o.Serving is { } s ? $"{s.Ndcg:F4} → {o.Candidate!.Ndcg:F4}" : "")} | {o.Serving?.Targets:N0} | {o.TrainInteractions:N0} | {o.TrainingSeconds:F1} | {(o.UpgradeSeconds > 0 ? o.UpgradeSeconds.ToString("F1", inv) : "")} |");
        }

        md.AppendLine();
        md.AppendLine("| chunk | interactions/s (both lanes) | p99 event→recommendation | a round training |");
        md.AppendLine("|---|---:|---:|---|");
        foreach (var c in result.Costs)
        {
            md.AppendLine(inv, $"| {c.From:N0}-{c.To:N0} | {c.PerSecond:N0} | {(c.P99Seconds is { } p ? double.IsPositiveInfinity(p) ? "> 16.384 s (the histogram's largest bucket)" : $"≤ {p:F3} s" : "")} | {(c.Training ? "yes" : "no")} |");
        }

        md.AppendLine();
        var pairs = result.Both(0, n).Select(i => (i, result.Frozen[i]!.Value.Ndcg, result.Adaptive[i]!.Value.Ndcg)).ToList();
        md.Append(LaneComparison.Describe(pairs, n, window));
        File.WriteAllText(Path.Combine(outDir, "summary.md"), md.ToString());
        WriteCsv(Path.Combine(outDir, "events.csv"), result, embKnn, oracle);
        return md.ToString();

        void Row(string label, Func<(int, int), (double Ndcg, double Recall)> score) =>
            md.AppendLine(inv, $"| {label} | {string.Join(" | ", quarters.Select(q => score(q) is var (a, b) && !double.IsNaN(a) ? $"{a:F4} / {b:F4}" : "-"))} |");
    }

    private static void WriteCsv(string path, SideBySideResult result, ScoredEvent?[] embKnn, ScoredEvent?[] oracle)
    {
        using var w = new StreamWriter(path);
        w.WriteLine("position,frozen_ndcg,adaptive_ndcg,embknn_ndcg,oracle_ndcg");
        for (var i = 0; i < embKnn.Length; i++)
        {
            w.WriteLine(string.Join(',', i, Cell(result.Frozen[i]), Cell(result.Adaptive[i]), Cell(embKnn[i]), Cell(oracle[i])));
        }
    }

    private static string Cell(ScoredEvent? e) => e is { } s ? s.Ndcg.ToString("R", CultureInfo.InvariantCulture) : "";
}
