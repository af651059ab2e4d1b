using System.ComponentModel.DataAnnotations;
using ZesRec.Configuration;
using ZesRec.Streaming.Kafka;

namespace ZesRec.Streaming.Hosting;

/// <summary>
/// Settings of <c>zesrec serve</c>, bound from appsettings.json, then ZESREC_-prefixed environment variables
/// (e.g. ZESREC_Kafka__BootstrapServers), then command-line flags; validated before anything starts.
/// </summary>
public sealed class ServeOptions
{
    [Required]
    public string ModelDir { get; set; } = "";

    public KafkaOptions Kafka { get; set; } = new();

    public PostgresOptions Postgres { get; set; } = new();

    public MetricsOptions Metrics { get; set; } = new();

    public ProcessingOptions Processing { get; set; } = new();

    public ItemsOptions Items { get; set; } = new();
}

public sealed class ItemsOptions
{
    /// <summary>
    /// The freshness policy: items created more than this many hours ago are no candidates (0: off). The age counts
    /// from an item's createdAt; an item without one never expires.
    /// </summary>
    [Range(0, 1_000_000)]
    public double MaxAgeHours { get; set; }

    /// <summary>The maximum age as a span, or null when the policy is off.</summary>
    public TimeSpan? MaxAge => MaxAgeHours > 0 ? TimeSpan.FromHours(MaxAgeHours) : null;
}

public sealed class KafkaOptions
{
    [Required]
    public string BootstrapServers { get; set; } = LocalServices.KafkaBootstrapServers;

    [Required]
    public string GroupId { get; set; } = "zesrec-processor";

    /// <summary>Every process reads every item partition, so its item consumer group is per instance.</summary>
    [Required]
    public string InstanceId { get; set; } = Environment.MachineName;

    [Required]
    public string ItemsTopic { get; set; } = "zesrec.items";

    [Required]
    public string InteractionsTopic { get; set; } = "zesrec.interactions";

    [Required]
    public string RecommendationsTopic { get; set; } = "zesrec.recommendations";

    [Required]
    public string DeadLetterTopic { get; set; } = "zesrec.deadletter";

    [Range(1000, 600_000)]
    public int SessionTimeoutMs { get; set; } = 6000;

    /// <summary>
    /// librdkafka properties for every consumer and producer (security.protocol, sasl.*, ssl.*, ...); a key ending in
    /// _FILE reads its value from that file. See <see cref="KafkaClientProperties"/>.
    /// </summary>
    public Dictionary<string, string> Client { get; set; } = [];

    /// <summary>The client settings every consumer and producer starts from; secrets files are read again on each call.</summary>
    public KafkaSettings ToSettings() =>
        KafkaSettings.Create(BootstrapServers)
            .WithSessionTimeout(TimeSpan.FromMilliseconds(SessionTimeoutMs))
            .WithProperties(KafkaClientProperties.Resolve(Client));
}

public sealed class PostgresOptions
{
    [Required]
    public string ConnectionString { get; set; } = LocalServices.PostgresConnectionString;

    /// <summary>Optional schema for the processor's tables (tests give each run its own); it must exist unless <see cref="CreateSchema"/>.</summary>
    public string? Schema { get; set; }

    /// <summary>Create <see cref="Schema"/> when it does not exist, instead of refusing to start.</summary>
    public bool CreateSchema { get; set; }
}

public sealed class MetricsOptions
{
    /// <summary>HTTP port of /metrics, /healthz and /ready (0 = any free port).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 9400;

    /// <summary>
    /// Address the endpoints listen on: loopback by default, so nothing is exposed unasked; 0.0.0.0 (every interface)
    /// where Prometheus scrapes from another host or container.
    /// </summary>
    public string Host { get; set; } = "127.0.0.1";
}

public sealed class ProcessingOptions
{
    [Range(1, 1000)]
    public int TopK { get; set; } = 20;

    [Range(1, 100_000)]
    public int InteractionBatchSize { get; set; } = 512;

    [Range(1, 10_000)]
    public int InteractionBatchMs { get; set; } = 20;

    /// <summary>
    /// Item events per micro-batch at most (fewer when ItemBatchMs passes first). The encoder sorts a batch by
    /// length before padding, so a backlog encodes faster in large batches (13 % from 256 to 1,024 here).
    /// </summary>
    [Range(1, 100_000)]
    public int ItemBatchSize { get; set; } = 1024;

    [Range(1, 10_000)]
    public int ItemBatchMs { get; set; } = 50;

    /// <summary>How long an interaction whose item is unknown waits before it is dead-lettered.</summary>
    [Range(0, 3_600_000)]
    public int UnknownItemWaitMs { get; set; } = 5000;

    /// <summary>
    /// Longest item text accepted, in characters (code points); longer ones are dead-lettered as too_large. The
    /// schema allows 8,192; a lower limit keeps the encoder's work per item bounded.
    /// </summary>
    [Range(1, 8192)]
    public int MaxTextLength { get; set; } = 8192;

    /// <summary>Items seen per user kept (and excluded from recommendations).</summary>
    [Range(1, 1_000_000)]
    public int MaxHistory { get; set; } = 10_000;

    /// <summary>
    /// Users held in memory at most between batches (0: every user of the owned partitions stays). The least recently
    /// active users beyond it are dropped once their state is stored and read back from PostgreSQL when they return.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int MaxUsers { get; set; }

    /// <summary>
    /// matrix: score every item on the device (exact). usearch: candidates from an in-process HNSW index, re-ranked
    /// exactly, for catalogues too large to score whole. pgvector: candidates from an HNSW index in PostgreSQL, one
    /// query per batch.
    /// </summary>
    [RegularExpression("^(matrix|usearch|pgvector)$")]
    public string Scoring { get; set; } = "matrix";

    /// <summary>Candidates per user the approximate scorers (usearch, pgvector) re-rank; more raise recall and cost.</summary>
    [Range(1, 1000)]
    public int Candidates { get; set; } = 100;

    /// <summary>
    /// usearch scoring: how many nodes each graph search keeps in its frontier (HNSW's ef; at least the candidates).
    /// Wider searches raise recall against exact scoring and cost more per user.
    /// </summary>
    [Range(1, 10000)]
    public int SearchBreadth { get; set; } = Serving.CandidateIndex.DefaultSearchBreadth;

    /// <summary>
    /// usearch scoring: links each item keeps in the graph (HNSW's M). Denser graphs raise recall at a given search
    /// breadth and cost memory and build time in proportion.
    /// </summary>
    [Range(4, 128)]
    public int IndexConnectivity { get; set; } = Serving.CandidateIndex.DefaultConnectivity;

    /// <summary>
    /// usearch scoring: the graph's copy of the vectors in fp32 or bf16 (half the memory, faster distances where the
    /// CPU has bfloat16 instructions). Candidates are re-ranked by exact 32-bit scores either way.
    /// </summary>
    [RegularExpression("^(fp32|bf16)$")]
    public string IndexPrecision { get; set; } = "bf16";

    /// <summary>
    /// matrix scoring: fp32 multiplies every user by every item in 32-bit floats; bf16 does that product in bfloat16
    /// (a copy of the catalogue, half its memory again), shortlists each user's k + 44 best and ranks them by their
    /// exact 32-bit scores.
    /// </summary>
    [RegularExpression("^(fp32|bf16)$")]
    public string ScorePrecision { get; set; } = "fp32";

    /// <summary>Whether matrix scoring shortlists in bfloat16 (<see cref="ScorePrecision"/>).</summary>
    public bool ShortlistScoring => Scoring == "matrix" && ScorePrecision == "bf16";

    [RegularExpression("^(auto|cpu|cuda)$")]
    public string Device { get; set; } = "auto";

    [Range(1, 64)]
    public int Threads { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// The fewest .NET thread-pool workers kept ready. The pool starts with one per core and adds more only about twice
    /// a second once its queue stalls, so code that blocks a worker while it waits (pgvector scoring's query, a host's
    /// own blocking loops) leaves the completions of publishing and flushing queued behind it.
    /// </summary>
    [Range(1, 1024)]
    public int MinPoolThreads { get; set; } = 16;

    /// <summary>Encoded-text cache folder; empty disables it.</summary>
    public string TextCache { get; set; } = Path.Combine(".local", "cache", "text");
}
