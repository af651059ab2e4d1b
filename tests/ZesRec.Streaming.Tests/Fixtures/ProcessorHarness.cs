using Confluent.Kafka;
using ZesRec.Data;
using ZesRec.Data.Import;
using ZesRec.Model;
using ZesRec.Model.Training;
using ZesRec.Streaming.Hosting;
using ZesRec.Streaming.Kafka;
using ZesRec.Data.Events;

namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>
/// A small real model trained once on the tiny Scientific fixture, the tiny Office fixture as the unseen target
/// domain, and helpers to run processors against fresh topics and schemas.
/// </summary>
public sealed class ProcessorHarness : IAsyncLifetime
{
    public string ModelDir { get; } = Path.Combine(Path.GetTempPath(), "zesrec-proc-model-" + Guid.NewGuid().ToString("N"));

    public EventLogDataset Target { get; private set; } = null!;

    public static string TextCache => Path.Combine(RepoPaths.Root, ".local", "cache", "text");

    public Task InitializeAsync()
    {
        var source = Path.Combine(Path.GetTempPath(), "zesrec-proc-src-" + Guid.NewGuid().ToString("N"));
        DatasetImporters.ImportTo("tsv", RepoPaths.SharedData("tiny/amazon_scientific_tiny"), source, "tiny-scientific");
        Target = DatasetImporters.Import("tsv", RepoPaths.SharedData("tiny/amazon_office_tiny"), "tiny-office").Dataset;
        var (model, _) = TrainingJob.Run(
            new TrainingJobOptions
            {
                SourceDir = source,
                OutDir = ModelDir,
                Config = new ZesRecConfig { Dim = 32, MaxEpochs = 2, BatchSize = 16, Seed = 5 },
                CacheDir = TextCache,
                Device = "cpu",
                Threads = 1,
            },
            TextWriter.Null);
        model.Dispose();
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public ServeOptions Options(string bootstrap, string connectionString, string schema, Topics topics, string group) => new()
    {
        ModelDir = ModelDir,
        Kafka = new KafkaOptions
        {
            BootstrapServers = bootstrap,
            GroupId = group,
            InstanceId = "test",
            ItemsTopic = topics.Items,
            InteractionsTopic = topics.Interactions,
            RecommendationsTopic = topics.Recommendations,
            DeadLetterTopic = topics.DeadLetter,
        },
        Postgres = new PostgresOptions { ConnectionString = connectionString, Schema = schema },
        Metrics = new MetricsOptions { Port = 0 },
        Processing = new ProcessingOptions { Device = "cpu", Threads = 1, TextCache = TextCache, UnknownItemWaitMs = 1000 },
    };

    /// <summary>Publishes every item of the target, keyed by item id.</summary>
    public static async Task PublishItemsAsync(KafkaProducer producer, string topic, IEnumerable<Data.Events.ItemCreated> items)
    {
        await Task.WhenAll(items.Select(i => producer.ProduceAsync(topic, i.ItemId, EventJson.Serialize(i))));
    }

    /// <summary>Publishes interactions in time order, keyed by user id.</summary>
    public static async Task PublishInteractionsAsync(KafkaProducer producer, string topic, IEnumerable<Data.Events.InteractionOccurred> interactions)
    {
        await Task.WhenAll(interactions.Select(i => producer.ProduceAsync(topic, i.UserId, EventJson.Serialize(i))));
    }

    /// <summary>Reads a topic from the beginning until <paramref name="until"/> holds or the time is up.</summary>
    public static List<ConsumeResult<string?, byte[]>> ReadAll(string bootstrap, string topic, Func<List<ConsumeResult<string?, byte[]>>, bool> until, TimeSpan within)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = KafkaService.FreshGroup("read"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        };
        using var consumer = new ConsumerBuilder<string?, byte[]>(config).Build();
        consumer.Subscribe(topic);
        var read = new List<ConsumeResult<string?, byte[]>>();
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline && !until(read))
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r is { IsPartitionEOF: false, Message: not null })
            {
                read.Add(r);
            }
        }

        consumer.Close();
        return read;
    }
}

public sealed record Topics(string Items, string Interactions, string Recommendations, string DeadLetter)
{
    public static Topics Fresh(KafkaService kafka) => new(
        kafka.FreshTopic("items")[0].Topic,
        kafka.FreshTopic("interactions")[0].Topic,
        kafka.FreshTopic("recs")[0].Topic,
        kafka.FreshTopic("dead")[0].Topic);
}
