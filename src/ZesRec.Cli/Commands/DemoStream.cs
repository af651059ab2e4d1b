using System.Diagnostics;
using System.Globalization;
using Npgsql;
using ZesRec.Data;
using ZesRec.Streaming.Hosting;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Replay;

namespace ZesRec.Cli.Commands;

/// <summary>
/// The demo's streaming stage: the processor serving the model on topics and a schema of this run's own, while the
/// target domain is replayed through Kafka, items first. Both are disposed when the stage ends.
/// </summary>
internal sealed class DemoStream : IAsyncDisposable
{
    private readonly StreamingProcessor processor;
    private readonly KafkaProducer producer;
    private readonly CancellationTokenSource stop;
    private readonly Task serving;
    private readonly ServeOptions options;

    private DemoStream(ServeOptions options, StreamingProcessor processor, KafkaProducer producer, CancellationToken cancellationToken)
    {
        this.options = options;
        this.processor = processor;
        this.producer = producer;
        stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        serving = Task.Run(() => processor.RunAsync(stop.Token), CancellationToken.None);
    }

    /// <summary>The serve settings of this run: the loaded ones, with the demo's model, topics, schema and any metrics port.</summary>
    public static ServeOptions Settings(ServeOptions loaded, string modelDir)
    {
        var run = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var kafka = loaded.Kafka;
        kafka.GroupId = $"zesrec-demo-{run}";
        kafka.InstanceId = "demo";
        kafka.ItemsTopic = $"zesrec.demo.{run}.items";
        kafka.InteractionsTopic = $"zesrec.demo.{run}.interactions";
        kafka.RecommendationsTopic = $"zesrec.demo.{run}.recommendations";
        kafka.DeadLetterTopic = $"zesrec.demo.{run}.deadletter";
        loaded.ModelDir = modelDir;
        loaded.Postgres.Schema = "demo";
        loaded.Metrics.Port = 0;
        return loaded;
    }

    /// <summary>Serves and replays; returns the online metrics once every replayed interaction was recommended for (or progress stalled).</summary>
    public static async Task<(double Ndcg, double Recall, long Evaluated)> RunAsync(ServeOptions options, EventLogDataset target, DemoOptions demo, CancellationToken cancellationToken)
    {
        await RecreateSchemaAsync(options.Postgres.ConnectionString, options.Postgres.Schema!, cancellationToken);
        var kafka = options.Kafka;
        LocalStack.EnsureTopics(kafka.BootstrapServers, [kafka.ItemsTopic, kafka.InteractionsTopic, kafka.RecommendationsTopic, kafka.DeadLetterTopic]);
        var producer = new KafkaProducer(kafka.ToSettings().WithClientId("zesrec-demo-replay"));
        StreamingProcessor processor;
        try
        {
            processor = StreamingProcessor.Create(options, new IndentedWriter(Console.Out));
        }
        catch
        {
            producer.Dispose();
            throw;
        }

        await using var stream = new DemoStream(options, processor, producer, cancellationToken);
        Console.WriteLine($"    processor: model {processor.Card.ModelVersion}, metrics on http://{options.Metrics.Host}:{processor.MetricsPort}/metrics");
        await stream.WaitReadyAsync(cancellationToken);

        // Items first, and interactions only once the catalogue holds them: on a fresh machine encoding takes
        // longer than an interaction may wait for its item, and those that wait too long are dead-lettered.
        await stream.ReplayItemsAsync(target, demo, cancellationToken);
        await stream.ReplayInteractionsAsync(target, demo, cancellationToken);
        await stream.stop.CancelAsync();
        await stream.serving;
        return processor.Online.Snapshot();
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();

        // Waits without rethrowing: a failure of the processor was already thrown where the stage noticed it.
        await Task.WhenAny(serving);
        producer.Dispose();
        await processor.DisposeAsync();
        stop.Dispose();
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        var ready = Stopwatch.StartNew();
        while (!processor.Ready && ready.Elapsed < TimeSpan.FromMinutes(2) && !serving.IsCompleted)
        {
            await Task.Delay(200, cancellationToken);
        }
    }

    private DatasetReplayer Replayer(DemoOptions demo, bool items) => new(producer, new ReplayOptions
    {
        ItemsTopic = options.Kafka.ItemsTopic,
        InteractionsTopic = options.Kafka.InteractionsTopic,
        PublishItems = items,
        PublishInteractions = !items,
        Rate = demo.Rate > 0 ? demo.Rate : null,
        Limit = demo.Limit > 0 ? demo.Limit : null,
    });

    private async Task ReplayItemsAsync(EventLogDataset target, DemoOptions demo, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var items = await Replayer(demo, items: true).ReplayAsync(target, null, cancellationToken);
        var bar = new ProgressBar("items ");
        while (processor.Catalog.Count < target.Items.Count && !serving.IsCompleted)
        {
            bar.Update((double)processor.Catalog.Count / target.Items.Count, $"{processor.Catalog.Count:N0}/{target.Items.Count:N0} items encoded and stored");
            await Task.Delay(250, cancellationToken);
        }

        bar.Done();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {items.ItemsPublished:N0} items encoded and stored in {clock.Elapsed.TotalSeconds:F1} s"));
    }

    private async Task ReplayInteractionsAsync(EventLogDataset target, DemoOptions demo, CancellationToken cancellationToken)
    {
        var replayed = demo.Limit > 0 ? Math.Min(demo.Limit, target.Interactions.Count) : target.Interactions.Count;
        var clock = Stopwatch.StartNew();
        var replay = Replayer(demo, items: false).ReplayAsync(target, null, cancellationToken);
        var bar = new ProgressBar("stream");
        var last = (Done: -1L, At: TimeSpan.Zero);
        while (processor.Online.Snapshot().Evaluated < replayed && clock.Elapsed - last.At < TimeSpan.FromMinutes(1))
        {
            if (serving.IsCompleted)
            {
                await serving;
                throw new InvalidOperationException("the processor stopped");
            }

            var (ndcg, recall, done) = processor.Online.Snapshot();
            if (done != last.Done)
            {
                last = (done, clock.Elapsed);
            }

            bar.Update((double)done / replayed, string.Create(CultureInfo.InvariantCulture,
                $"{done:N0}/{replayed:N0} interactions  {done / clock.Elapsed.TotalSeconds:N0}/s  NDCG@20 {ndcg:F4}  Recall@20 {recall:F4}"));
            await Task.Delay(250, cancellationToken);
        }

        bar.Done();
        var report = await replay;
        var recommended = processor.Online.Snapshot().Evaluated;
        var stalled = recommended < replayed ? $" (no progress for a minute: see the dead-letter topic {options.Kafka.DeadLetterTopic} and /metrics)" : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    replayed {report.InteractionsPublished:N0} interactions; {recommended:N0} recommended in {clock.Elapsed.TotalSeconds:F1} s{stalled}"));
    }

    private static async Task RecreateSchemaAsync(string connectionString, string schema, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE; CREATE SCHEMA \"{schema}\"", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
