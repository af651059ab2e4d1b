using System.Collections.Immutable;
using Confluent.Kafka;

namespace ZesRec.Streaming.Kafka;

/// <summary>
/// Client settings shared by the consumer source, the producer and the committer. Immutable:
/// every <c>WithX</c> returns a changed copy, so one base value can be specialised per stage.
/// </summary>
public sealed record KafkaSettings
{
    /// <summary>librdkafka's fetch.wait.max.ms (and fetch.error.backoff.ms) unless <see cref="Properties"/> sets them.</summary>
    public const int FetchWaitMaxMs = 10;

    /// <summary>
    /// The producer's message.max.bytes unless <see cref="Properties"/> sets it (librdkafka's default, made explicit):
    /// below the 1 MiB max.message.bytes every topic the processor writes is given, so the broker accepts what the
    /// producer accepts. Dead letters are cut to fit it.
    /// </summary>
    public const int ProducerMessageMaxBytes = 1_000_000;

    private KafkaSettings(string bootstrapServers)
    {
        BootstrapServers = bootstrapServers;
    }

    public string BootstrapServers { get; private init; }

    public string? GroupId { get; private init; }

    public string ClientId { get; private init; } = "zesrec-streaming";

    // Low by default: a restarted member of the group waits about this long before it gets partitions.
    public TimeSpan SessionTimeout { get; private init; } = TimeSpan.FromSeconds(6);

    public TimeSpan PollTimeout { get; private init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Records fetched ahead of downstream demand before the source pauses its partitions.</summary>
    public int BufferSize { get; private init; } = 1_000;

    /// <summary>Extra librdkafka properties; the keys the delivery guarantees depend on are set after these.</summary>
    public ImmutableDictionary<string, string> Properties { get; private init; } = ImmutableDictionary<string, string>.Empty;

    public static KafkaSettings Create(string bootstrapServers)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        return new KafkaSettings(bootstrapServers);
    }

    public KafkaSettings WithBootstrapServers(string bootstrapServers)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        return this with { BootstrapServers = bootstrapServers };
    }

    public KafkaSettings WithGroupId(string groupId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(groupId);
        return this with { GroupId = groupId };
    }

    public KafkaSettings WithClientId(string clientId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        return this with { ClientId = clientId };
    }

    public KafkaSettings WithSessionTimeout(TimeSpan sessionTimeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(sessionTimeout, TimeSpan.Zero);
        return this with { SessionTimeout = sessionTimeout };
    }

    public KafkaSettings WithPollTimeout(TimeSpan pollTimeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(pollTimeout, TimeSpan.Zero);
        return this with { PollTimeout = pollTimeout };
    }

    public KafkaSettings WithBufferSize(int bufferSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 1);
        return this with { BufferSize = bufferSize };
    }

    public KafkaSettings WithProperty(string key, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return this with { Properties = Properties.SetItem(key, value) };
    }

    /// <summary>Adds operator-given librdkafka properties (<see cref="KafkaClientProperties.Resolve"/>).</summary>
    public KafkaSettings WithProperties(IEnumerable<KeyValuePair<string, string>> properties) =>
        properties.Aggregate(this, (settings, p) => settings.WithProperty(p.Key, p.Value));

    /// <summary>
    /// Offsets of record live in PostgreSQL, so the consumer never commits or stores offsets on its
    /// own: a Kafka commit is only advisory (see <see cref="KafkaCommitter"/>).
    /// </summary>
    public ConsumerConfig ToConsumerConfig()
    {
        if (string.IsNullOrWhiteSpace(GroupId))
        {
            throw new InvalidOperationException("KafkaSettings.GroupId is required by a consumer; call WithGroupId first.");
        }

        var config = new ConsumerConfig(new Dictionary<string, string>(Properties))
        {
            BootstrapServers = BootstrapServers,
            GroupId = GroupId,
            ClientId = ClientId,
            SessionTimeoutMs = (int)SessionTimeout.TotalMilliseconds,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            // Partitions without a stored offset start at the beginning: nothing of theirs was applied yet.
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnablePartitionEof = false,
        };
        if (!Properties.ContainsKey("queued.max.messages.kbytes"))
        {
            // What librdkafka may prefetch while the stage's buffer is full: bounded (its default is 64 MiB).
            config.QueuedMaxMessagesKbytes = 16_384;
        }

        if (!Properties.ContainsKey("fetch.wait.max.ms"))
        {
            // How long a fetch may wait at the broker for new records. Recommendations are latency-bound: a real
            // broker answers as soon as records arrive, but the development broker waits this long whenever the
            // consumer has caught up (librdkafka's 500 ms default put up to half a second on every event).
            config.FetchWaitMaxMs = FetchWaitMaxMs;
        }

        if (!Properties.ContainsKey("fetch.error.backoff.ms"))
        {
            config.FetchErrorBackoffMs = FetchWaitMaxMs;
        }

        if (SessionTimeout < TimeSpan.FromSeconds(10) && !Properties.ContainsKey("heartbeat.interval.ms"))
        {
            // librdkafka's default heartbeat (3 s) would not fit a short session three times over.
            config.HeartbeatIntervalMs = Math.Max(100, (int)(SessionTimeout.TotalMilliseconds / 3));
        }

        ShortenReconnectBackoff(config);
        return config;
    }

    /// <summary>Idempotent, acks=all: a retried send never duplicates or reorders a partition's records.</summary>
    public ProducerConfig ToProducerConfig()
    {
        var config = new ProducerConfig(new Dictionary<string, string>(Properties))
        {
            BootstrapServers = BootstrapServers,
            ClientId = ClientId,
            EnableIdempotence = true,
            Acks = Acks.All,
        };
        if (!Properties.ContainsKey("message.max.bytes"))
        {
            config.MessageMaxBytes = ProducerMessageMaxBytes;
        }

        ShortenReconnectBackoff(config);
        return config;
    }

    /// <summary>
    /// librdkafka waits up to 10 s between reconnection attempts by default, which after a broker restart is up to
    /// 10 s more of outage; 1 s costs at most a refused connection a second while the broker is down.
    /// </summary>
    private void ShortenReconnectBackoff(ClientConfig config)
    {
        if (!Properties.ContainsKey("reconnect.backoff.max.ms"))
        {
            config.ReconnectBackoffMaxMs = 1_000;
        }
    }
}
