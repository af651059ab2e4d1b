using Akka;
using Akka.Actor;
using Akka.Streams;
using ZesRec.Model;
using ZesRec.Streaming.Events;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Observability;
using ZesRec.Streaming.Pipeline;
using ZesRec.Streaming.Serving;
using ZesRec.Streaming.Storage;
using ZesRec.Text;
using static TorchSharp.torch;

namespace ZesRec.Streaming.Hosting;

/// <summary>
/// The composition root of <c>zesrec serve</c>: loads the model, the encoder and the stored catalogue, then runs
/// the item and interaction streams until cancelled. A failed stream (database or broker down) stops both; they are
/// started again with exponential back-off, resuming from the states and offsets in PostgreSQL.
/// </summary>
public sealed class StreamingProcessor : IAsyncDisposable
{
    private readonly ServeOptions options;
    private readonly TextWriter log;
    private readonly TimeProvider clock;
    private readonly ZesRecModel model;
    private readonly ModelCard card;
    private readonly ITextEncoder encoder;
    private readonly Device device;
    private readonly ItemCatalog catalog;
    private readonly Npgsql.NpgsqlDataSource dataSource;
    private readonly HealthServer health;
    private volatile string notReadyReason = "starting";
    private volatile bool running;

    private StreamingProcessor(ServeOptions options, TextWriter log, TimeProvider clock)
    {
        this.options = options;
        this.log = log;
        this.clock = clock;
        device = DeviceSelection.Resolve(options.Processing.Device);
        set_num_threads(options.Processing.Threads);
        (model, card) = ModelCheckpoint.Load(options.ModelDir, device);
        encoder = TextEncoders.Create(card.TextEncoderSpec, string.IsNullOrEmpty(options.Processing.TextCache) ? null : options.Processing.TextCache);
        if (encoder.Name != card.TextEncoder)
        {
            throw new InvalidOperationException($"the model was trained with text encoder '{card.TextEncoder}' but '{encoder.Name}' was loaded");
        }

        catalog = new ItemCatalog(card.Config.Dim, device);
        dataSource = StoreDataSource.Create(options.Postgres.ConnectionString, string.IsNullOrEmpty(options.Postgres.Schema) ? null : $"\"{options.Postgres.Schema}\",public");
        health = new HealthServer(options.Metrics.Host, options.Metrics.Port, () => (running && notReadyReason.Length == 0, notReadyReason));
        ZesRecMetrics.Device.WithLabels(device.type.ToString().ToLowerInvariant()).Set(1);
    }

    public ModelCard Card => card;

    public int MetricsPort => health.Port;

    public ItemCatalog Catalog => catalog;

    public OnlineMetrics Online { get; } = new();

    public bool Ready => running && notReadyReason.Length == 0;

    public static StreamingProcessor Create(ServeOptions options, TextWriter log, TimeProvider? clock = null)
    {
        Validate(options);
        return new StreamingProcessor(options, log, clock ?? TimeProvider.System);
    }

    /// <summary>Checks every option before anything connects, so a bad setting fails at once with its name.</summary>
    public static void Validate(ServeOptions options)
    {
        var errors = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        foreach (var part in new object[] { options, options.Kafka, options.Postgres, options.Metrics, options.Processing })
        {
            System.ComponentModel.DataAnnotations.Validator.TryValidateObject(part, new(part), errors, validateAllProperties: true);
        }

        if (!Directory.Exists(options.ModelDir))
        {
            errors.Add(new($"model folder '{options.ModelDir}' does not exist (zesrec train writes one)", ["ModelDir"]));
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid configuration:\n  " + string.Join("\n  ", errors.Select(e => $"{string.Join(",", e.MemberNames)}: {e.ErrorMessage}")));
        }
    }

    /// <summary>Runs until <paramref name="cancellationToken"/> fires; restarts the streams after failures.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(cancellationToken);
                backoff = TimeSpan.FromSeconds(1);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                ZesRecMetrics.Restarts.Inc();
                notReadyReason = $"stream failed: {e.GetBaseException().Message}";
                log.WriteLine($"zesrec serve: {notReadyReason}; restarting in {backoff.TotalSeconds:0.#} s");
                try
                {
                    await Task.Delay(backoff, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                backoff = TimeSpan.FromSeconds(Math.Min(30, backoff.TotalSeconds * 2));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        health.Dispose();
        await dataSource.DisposeAsync();
        catalog.Dispose();
        encoder.Dispose();
        model.Dispose();
    }

    private async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        running = false;
        notReadyReason = "connecting to PostgreSQL";
        await StoreSchema.EnsureAsync(dataSource, card.Config.Dim, cancellationToken);
        var items = new ItemStore(dataSource);
        var states = new StateStore(dataSource);
        var parser = new EventParser(new EventLimits { MaxTextLength = options.Processing.MaxTextLength }, clock);
        var settings = new PipelineSettings(
            options.Kafka.ItemsTopic, options.Kafka.InteractionsTopic, options.Kafka.RecommendationsTopic, options.Kafka.DeadLetterTopic,
            card.ModelVersion, options.Processing.TopK, options.Processing.MaxHistory, TimeSpan.FromMilliseconds(options.Processing.UnknownItemWaitMs));
        var itemProcessor = new ItemBatchProcessor(encoder, model, device, catalog, items, parser, settings, clock);
        await LoadCatalogAsync(items, itemProcessor, cancellationToken);

        notReadyReason = "joining the consumer group";
        var kafka = KafkaSettings.Create(options.Kafka.BootstrapServers).WithSessionTimeout(TimeSpan.FromMilliseconds(options.Kafka.SessionTimeoutMs));
        using var producer = new KafkaProducer(kafka.WithClientId($"zesrec-{options.Kafka.InstanceId}"));
        var sessions = new UserSessions(states, options.Kafka.InteractionsTopic);
        var recommender = new Recommender(model, catalog, device);
        ITopKScorer scorer = options.Processing.Scoring == "pgvector" ? new PgVectorScorer(recommender, items) : recommender;
        var interactionProcessor = new InteractionBatchProcessor(sessions, recommender, scorer, catalog, parser, Online, settings, clock);
        var publisher = new BatchPublisher(producer);

        using var system = ActorSystem.Create("zesrec", "akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING");
        var materializer = system.Materializer();
        var (itemControl, itemsDone) = ProcessorGraph.Build(
            KafkaSource.Create(kafka.WithGroupId($"{options.Kafka.GroupId}.items.{options.Kafka.InstanceId}"), [options.Kafka.ItemsTopic], new ItemOffsets(states, options.Kafka.ItemsTopic)),
            "items", options.Processing.ItemBatchSize, TimeSpan.FromMilliseconds(options.Processing.ItemBatchMs),
            ProcessorGraph.Steps<EncodedItems>(itemProcessor.EncodeAsync, itemProcessor.StoreAsync), publisher, new BatchPersister(states, null)).Run(materializer);
        var (control, interactionsDone) = ProcessorGraph.Build(
            KafkaSource.Create(kafka.WithGroupId(options.Kafka.GroupId), [options.Kafka.InteractionsTopic], sessions),
            "interactions", options.Processing.InteractionBatchSize, TimeSpan.FromMilliseconds(options.Processing.InteractionBatchMs),
            ProcessorGraph.Step(interactionProcessor.ProcessAsync), publisher, new BatchPersister(states, sessions), TimeSpan.FromSeconds(1)).Run(materializer);
        running = true;

        using var stop = cancellationToken.Register(() =>
        {
            itemControl.Shutdown();
            control.Shutdown();
        });
        using var watch = new Timer(_ => Observe(control, itemControl), null, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        try
        {
            // Either stream ending (failure or shutdown) ends both, so the pair restarts together.
            var first = await Task.WhenAny(itemsDone, interactionsDone);
            itemControl.Shutdown();
            control.Shutdown();
            await Task.WhenAll(itemsDone, interactionsDone).ContinueWith(_ => { }, TaskScheduler.Default);
            await first;
        }
        finally
        {
            running = false;
            producer.Flush(TimeSpan.FromSeconds(10));
            await system.Terminate();
        }
    }

    private async Task LoadCatalogAsync(ItemStore items, ItemBatchProcessor processor, CancellationToken cancellationToken)
    {
        notReadyReason = "loading the item catalogue";
        var ids = new List<string>();
        var vectors = new List<float[]>();
        await foreach (var item in items.LoadAllAsync(cancellationToken))
        {
            ids.Add(item.ItemId);
            vectors.Add(item.Embedding);
            if (ids.Count == 10_000)
            {
                processor.AddToCatalog(ids, vectors);
                ids.Clear();
                vectors.Clear();
            }
        }

        if (ids.Count > 0)
        {
            processor.AddToCatalog(ids, vectors);
        }

        log.WriteLine($"zesrec serve: {catalog.Count:N0} items loaded from PostgreSQL");
    }

    private void Observe(KafkaConsumerControl interactions, KafkaConsumerControl itemsControl)
    {
        foreach (var c in new[] { interactions, itemsControl })
        {
            foreach (var (tp, lag) in c.Lag)
            {
                ZesRecMetrics.ConsumerLag.WithLabels(tp.Topic, tp.Partition.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)).Set(lag);
            }
        }

        notReadyReason = interactions.Assignment.Count == 0 ? "no interaction partitions assigned yet" : "";
        ZesRecMetrics.Ready.Set(Ready ? 1 : 0);
    }
}
