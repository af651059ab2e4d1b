using Prometheus;

namespace ZesRec.Streaming.Observability;

/// <summary>Every metric the processor exports; names follow zesrec_&lt;subsystem&gt;_&lt;what&gt;_&lt;unit&gt;.</summary>
public static class ZesRecMetrics
{
    private static readonly double[] LatencyBuckets = Histogram.ExponentialBuckets(0.0005, 2, 16);

    public static readonly Counter EventsConsumed = Metrics.CreateCounter(
        "zesrec_events_consumed_total", "Events read from Kafka, by topic.", new CounterConfiguration { LabelNames = ["topic"] });

    public static readonly Counter EventsProduced = Metrics.CreateCounter(
        "zesrec_events_produced_total", "Events written to Kafka, by topic.", new CounterConfiguration { LabelNames = ["topic"] });

    public static readonly Counter DeadLetters = Metrics.CreateCounter(
        "zesrec_deadletters_total", "Events sent to the dead-letter topic, by reason code.", new CounterConfiguration { LabelNames = ["reason"] });

    public static readonly Counter DuplicatesSkipped = Metrics.CreateCounter(
        "zesrec_interactions_duplicates_skipped_total", "Interactions at or below a user's last applied offset, skipped so none is applied twice.");

    public static readonly Histogram BatchSize = Metrics.CreateHistogram(
        "zesrec_pipeline_batch_size", "Events per micro-batch, by stream.",
        new HistogramConfiguration { LabelNames = ["stream"], Buckets = Histogram.ExponentialBuckets(1, 2, 12) });

    public static readonly Histogram EncoderSeconds = Metrics.CreateHistogram(
        "zesrec_encoder_batch_seconds", "Time to encode one batch of item texts and apply the item layer.",
        new HistogramConfiguration { Buckets = LatencyBuckets });

    public static readonly Histogram ScorerSeconds = Metrics.CreateHistogram(
        "zesrec_scorer_batch_seconds", "Time to step user states and score the catalogue for one batch.",
        new HistogramConfiguration { Buckets = LatencyBuckets });

    public static readonly Histogram StoreSeconds = Metrics.CreateHistogram(
        "zesrec_store_flush_seconds", "Time of one PostgreSQL write (item upsert or state flush), by kind.",
        new HistogramConfiguration { LabelNames = ["kind"], Buckets = LatencyBuckets });

    public static readonly Histogram FlushBatches = Metrics.CreateHistogram(
        "zesrec_store_flush_batches", "Published micro-batches made durable by one flush (more than one while flushes fall behind), by kind.",
        new HistogramConfiguration { LabelNames = ["kind"], Buckets = [1, 2, 3, 4, 6, 8] });

    public static readonly Histogram PublishSeconds = Metrics.CreateHistogram(
        "zesrec_publish_batch_seconds", "Time from sending a batch's messages to the broker's last acknowledgement.",
        new HistogramConfiguration { Buckets = LatencyBuckets });

    public static readonly Histogram EventToRecommendationSeconds = Metrics.CreateHistogram(
        "zesrec_pipeline_event_to_recommendation_seconds", "From an interaction's Kafka timestamp to its recommendation being acknowledged.",
        new HistogramConfiguration { Buckets = LatencyBuckets });

    public static readonly Gauge ConsumerLag = Metrics.CreateGauge(
        "zesrec_kafka_consumer_lag_messages", "Messages not yet read, by topic and partition.", new GaugeConfiguration { LabelNames = ["topic", "partition"] });

    public static readonly Gauge UsersInMemory = Metrics.CreateGauge("zesrec_users_in_memory", "User states held in memory.");

    public static readonly Counter UsersEvicted = Metrics.CreateCounter(
        "zesrec_users_evicted_total", "Least recently active users dropped from memory to stay under Processing:MaxUsers (their state was already stored).");

    public static readonly Counter UsersLoaded = Metrics.CreateCounter(
        "zesrec_users_loaded_total", "Returning users whose state was read back from PostgreSQL after an eviction or a restart.");

    public static readonly Counter StatesRebuilt = Metrics.CreateCounter(
        "zesrec_states_rebuilt_total", "Users read back whose state was rebuilt from their stored history (models whose state is a function of the last inputs, TCN).");

    public static readonly Gauge CatalogItems = Metrics.CreateGauge("zesrec_catalog_items", "Items in the scoring matrix.");

    public static readonly Gauge CatalogCandidates = Metrics.CreateGauge(
        "zesrec_catalog_candidates", "Items that can be recommended: in the scoring matrix, neither removed nor expired.");

    public static readonly Counter ItemsUpdated = Metrics.CreateCounter("zesrec_items_updated_total", "item-updated events applied: a known item's text replaced and encoded again.");

    public static readonly Counter ItemsRemoved = Metrics.CreateCounter("zesrec_items_removed_total", "item-removed events that took an item out of the candidates.");

    public static readonly Counter ItemsExpired = Metrics.CreateCounter(
        "zesrec_items_expired_total", "Items that left the candidates by age (Items:MaxAgeHours), counted by each process when it hides them.");

    public static readonly Counter FencedFlushes = Metrics.CreateCounter(
        "zesrec_store_fenced_flushes_total", "State flushes refused because another member took the partition over (its epoch moved on); the member rejoins and reloads.");

    public static readonly Gauge PendingInteractions = Metrics.CreateGauge(
        "zesrec_interactions_pending", "Interactions waiting for their item to arrive.");

    public static readonly Gauge Device = Metrics.CreateGauge(
        "zesrec_device_info", "1 for the device the model runs on.", new GaugeConfiguration { LabelNames = ["device"] });

    public static readonly Gauge OnlineNdcg = Metrics.CreateGauge("zesrec_online_ndcg_at_20", "Mean NDCG@20 of each user's held recommendation against their next interaction.");

    public static readonly Gauge OnlineRecall = Metrics.CreateGauge("zesrec_online_recall_at_20", "Mean Recall@20 of each user's held recommendation against their next interaction.");

    public static readonly Counter OnlineEvaluated = Metrics.CreateCounter("zesrec_online_evaluated_total", "Interactions scored by the online metrics.");

    public static readonly Gauge Ready = Metrics.CreateGauge("zesrec_ready", "1 when the processor is ready: model loaded, catalogue loaded, consumers assigned.");

    public static readonly Counter Restarts = Metrics.CreateCounter(
        "zesrec_pipeline_restarts_total", "Times the stream graph failed and was restarted with back-off.");

    public static readonly Counter OffsetCommitFailures = Metrics.CreateCounter(
        "zesrec_kafka_offset_commit_failures_total", "Commits of stored offsets to the Kafka consumer group that failed (lag tools may lag; processing is unaffected).");
}
