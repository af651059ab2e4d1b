using Confluent.Kafka;

namespace ZesRec.Streaming.Kafka;

/// <summary>
/// The process's one long-lived, idempotent producer (thread-safe; librdkafka batches across callers).
/// </summary>
public sealed class KafkaProducer : IDisposable
{
    private static readonly TimeSpan FlushOnDispose = TimeSpan.FromSeconds(10);
    private readonly IProducer<string?, byte[]> _producer;

    public KafkaProducer(KafkaSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _producer = new ProducerBuilder<string?, byte[]>(settings.ToProducerConfig()).SetLogHandler(KafkaLog.Handle).Build();
    }

    public string Name => _producer.Name;

    public Task<DeliveryResult<string?, byte[]>> ProduceAsync(
        string topic,
        string? key,
        byte[] value,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(value);
        return _producer.ProduceAsync(topic, new Message<string?, byte[]> { Key = key, Value = value }, cancellationToken);
    }

    /// <summary>Waits for outstanding deliveries; returns how many are still in flight.</summary>
    public int Flush(TimeSpan timeout) => _producer.Flush(timeout);

    public void Dispose()
    {
        _producer.Flush(FlushOnDispose);
        _producer.Dispose();
    }
}
