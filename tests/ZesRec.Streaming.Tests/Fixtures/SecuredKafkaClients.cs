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
