using Prometheus;

namespace ZesRec.Streaming.Observability;

/// <summary>What <c>zesrec adapt</c> exports: each round's outcome and the two scores the promotion guard compared.</summary>
public static class AdaptationMetrics
{
    public static readonly Counter Rounds = Metrics.CreateCounter(
        "zesrec_adapt_rounds_total", "Adaptation rounds, by outcome: promoted, rejected (not better), skipped (too few interactions).",
        new CounterConfiguration { LabelNames = ["outcome"] });

    public static readonly Gauge ServingNdcg = Metrics.CreateGauge(
        "zesrec_adapt_serving_ndcg_at_20", "Held-out NDCG@20 of the serving model in the last round.");

    public static readonly Gauge CandidateNdcg = Metrics.CreateGauge(
        "zesrec_adapt_candidate_ndcg_at_20", "Held-out NDCG@20 of the last round's fine-tuned candidate.");

    public static readonly Gauge HeldOut = Metrics.CreateGauge(
        "zesrec_adapt_held_out_interactions", "Interactions the last round validated on.");

    public static readonly Gauge TrainingSeconds = Metrics.CreateGauge(
        "zesrec_adapt_training_seconds", "Seconds the last round spent fine-tuning.");

    public static readonly Gauge UpgradeSeconds = Metrics.CreateGauge(
        "zesrec_adapt_upgrade_seconds", "Seconds the last promotion spent preparing and switching the store.");
}
