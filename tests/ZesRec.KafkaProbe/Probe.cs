using System.Globalization;
using Confluent.Kafka;

namespace ZesRec.KafkaProbe;

/// <summary>
/// Produces numbered messages or consumes them as a group member, printing one
/// `MSG partition offset value` line per message so a test in another process can check them.
/// </summary>
internal static class Probe
{
    public static void Produce(ProbeArgs args)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = args.Text("bootstrap"),
            EnableIdempotence = true,
            Acks = Acks.All,
        };
        var topic = args.Text("topic");
        var partition = args.Number("partition", -1);
        var start = args.Number("start", 0);
        var count = args.Number("count", 1);
        using var producer = new ProducerBuilder<Null, string>(config).Build();
        for (var i = start; i < start + count; i++)
        {
            var message = new Message<Null, string> { Value = i.ToString(CultureInfo.InvariantCulture) };
            // Awaiting each delivery keeps the sequence strictly ordered on the partition.
            var result = partition < 0
                ? producer.ProduceAsync(topic, message).GetAwaiter().GetResult()
                : producer.ProduceAsync(new TopicPartition(topic, partition), message).GetAwaiter().GetResult();
            Console.WriteLine($"SENT {result.Partition.Value} {result.Offset.Value} {result.Message.Value}");
        }

        producer.Flush(TimeSpan.FromSeconds(30));
        Console.WriteLine($"PRODUCED {count}");
    }

    /// <summary>
    /// Consumes until `--max` messages were seen (then commits exactly those), or, without `--max`,
    /// until every assigned partition reports its end, so extra or repeated messages would show.
    /// </summary>
    public static int Consume(ProbeArgs args)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = args.Text("bootstrap"),
            GroupId = args.Text("group"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            EnablePartitionEof = true,
            SessionTimeoutMs = args.Number("session-timeout-ms", 6000),
            HeartbeatIntervalMs = 1000,
        };
        var max = args.Number("max", int.MaxValue);
        var deadline = DateTime.UtcNow.AddSeconds(args.Number("timeout-s", 60));
        using var consumer = new ConsumerBuilder<Ignore, string>(config).Build();
        consumer.Subscribe(args.Text("topic"));
        var consumed = 0;
        var atEnd = new HashSet<TopicPartition>();
        while (consumed < max)
        {
            if (DateTime.UtcNow > deadline)
            {
                Console.WriteLine($"TIMEOUT after {consumed} messages");
                consumer.Close();
                return 3;
            }

            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null)
            {
                continue;
            }

            if (result.IsPartitionEOF)
            {
                atEnd.Add(result.TopicPartition);
                if (max == int.MaxValue && consumer.Assignment.Count > 0 && consumer.Assignment.All(atEnd.Contains))
                {
                    break;
                }

                continue;
            }

            atEnd.Remove(result.TopicPartition);
            Console.WriteLine($"MSG {result.Partition.Value} {result.Offset.Value} {result.Message.Value}");
            consumer.Commit(result);
            consumed++;
        }

        consumer.Close();
        Console.WriteLine($"CONSUMED {consumed}");
        return 0;
    }
}
