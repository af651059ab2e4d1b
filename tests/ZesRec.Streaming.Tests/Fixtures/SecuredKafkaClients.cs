using Confluent.Kafka;

namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>
/// Plain Confluent.Kafka clients given librdkafka properties (TLS, SASL), for the tests of secured brokers: the
/// properties are the only route to the broker, so what works here works for an operator's Kafka:Client settings.
/// </summary>
internal static class SecuredKafkaClients
{
    public static Metadata Metadata(string bootstrap, IDictionary<string, string> properties)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig(properties) { BootstrapServers = bootstrap }).SetLogHandler((_, _) => { }).Build();
        return admin.GetMetadata(TimeSpan.FromSeconds(5));
    }

    /// <summary>
    /// Writes <paramref name="count"/> distinct messages to partition 0 of a fresh topic and reads them back with a fresh
    /// group; returns what was sent and what was read, which match when the broker let both clients through.
    /// </summary>
    public static async Task<(List<string> Sent, List<string> Read)> RoundTripAsync(
        string bootstrap, IDictionary<string, string> properties, int count, TimeSpan patience)
    {
        var topic = $"test.secured.{Guid.NewGuid():N}";
        var sent = Enumerable.Range(0, count).Select(i => $"{i}-{Guid.NewGuid():N}").ToList();
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig(properties) { BootstrapServers = bootstrap }).SetLogHandler((_, _) => { }).Build())
        {
            foreach (var value in sent)
            {
                await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<Null, string> { Value = value });
            }
        }

        var read = ReadAll(bootstrap, properties, topic, count, patience).Select(System.Text.Encoding.UTF8.GetString).ToList();
        return (sent, read);
    }

    /// <summary>
    /// Reads <paramref name="topic"/> from the start with a fresh group until <paramref name="expected"/> values came
    /// or <paramref name="patience"/> ran out, then a moment more: anything beyond would be a duplicate or a stray.
    /// </summary>
    public static List<byte[]> ReadAll(string bootstrap, IDictionary<string, string> properties, string topic, int expected, TimeSpan patience)
    {
        var config = new ConsumerConfig(properties)
        {
            BootstrapServers = bootstrap,
            GroupId = KafkaService.FreshGroup("secured-read"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        };
        using var consumer = new ConsumerBuilder<string?, byte[]>(config).SetLogHandler((_, _) => { }).Build();
        consumer.Subscribe(topic);
        var read = new List<byte[]>();
        var deadline = DateTime.UtcNow + patience;
        while (read.Count < expected && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: not null } result)
            {
                read.Add(result.Message.Value);
            }
        }

        var extra = DateTime.UtcNow + TimeSpan.FromSeconds(1);
        while (DateTime.UtcNow < extra)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: not null } result)
            {
                read.Add(result.Message.Value);
            }
        }

        consumer.Close();
        return read;
    }
}
