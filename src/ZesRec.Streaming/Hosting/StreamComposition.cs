using Akka.Actor;
using Akka.Streams;
using Npgsql;
using ZesRec.Data.Events;
using ZesRec.Model;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Observability;
using ZesRec.Streaming.Pipeline;
using ZesRec.Streaming.Serving;
using ZesRec.Streaming.Storage;
using ZesRec.Text;
using static TorchSharp.torch;

namespace ZesRec.Streaming.Hosting;

/// <summary>
/// One run of the two streams: checks the schema and the topics, loads the stored catalogue, wires the stores,
/// processors and graphs, and runs the item and interaction streams until either ends. Everything it creates is
/// released when the run ends; the model, encoder, catalogue and connections belong to the processor.
/// </summary>
internal sealed class StreamComposition(
    ServeOptions options,
    ZesRecModel model,
    ModelCard card,
    ITextEncoder encoder,
    Device device,
    ItemCatalog catalog,
    NpgsqlDataSource dataSource,
    PoisonGuard guard,
    OnlineMetrics online,
    ProcessorReadiness readiness,
    TextWriter log,
    TimeProvider clock)
{
    private static readonly TimeSpan ConsumerCloseTimeout = TimeSpan.FromSeconds(10);

    private volatile string loggedKafkaProblem = "";

    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        readiness.Stopped();
        readiness.NotReady("connecting to PostgreSQL");
        await ServeChecks.EnsureSchemaAsync(dataSource, options.Postgres, cancellationToken);
        var opening = await StoreSchema.EnsureAsync(dataSource, card.Config.Dim, card.ModelVersion, cancellationToken);
        if (opening.MigrationNote is { } migrated)
        {
            log.WriteLine($"zesrec serve: {migrated}");
        }

        readiness.NotReady("checking the Kafka topics");
        var settings = Settings(await ServeChecks.CheckTopicsAsync(options, KafkaSettings.ProducerMessageMaxBytes));
        var items = new ItemStore(dataSource, card.ModelVersion);
        var states = new StateStore(dataSource, card.ModelVersion, servingOnly: true);
        var parser = new EventParser(new EventLimits { MaxTextLength = options.Processing.MaxTextLength }, clock);
        var itemProcessor = new ItemBatchProcessor(encoder, model, device, catalog, items, parser, settings, guard, clock);
        if (options.Processing.Scoring == "pgvector")
        {
            // PostgreSQL keeps the index in step with every insert, update and removal from then on.
            readiness.NotReady("building the HNSW index of the items");
            await StoreSchema.CreateVectorIndexAsync(dataSource, VectorIndexKind.InnerProduct, cancellationToken);
        }

        readiness.NotReady("loading the item catalogue");
        await LoadCatalogAsync(items, itemProcessor, cancellationToken);

        readiness.NotReady("joining the consumer group");
        var kafka = options.Kafka.ToSettings();
        using var producer = new KafkaProducer(kafka.WithClientId($"zesrec-{options.Kafka.InstanceId}"));
        using var recommender = new Recommender(model, catalog, device) { Shortlist = options.Processing.ShortlistScoring };
        var sessions = new UserSessions(states, options.Kafka.InteractionsTopic, options.Processing.MaxUsers, options.Kafka.InstanceId, recommender);
        ITopKScorer scorer = options.Processing.Scoring switch
        {
            "usearch" => new ApproximateScorer(recommender, catalog, options.Processing.Candidates),
            "pgvector" => new PgVectorScorer(recommender, items, options.Processing.Candidates, options.Items.MaxAge, clock),
            _ => recommender,
        };
        var interactionProcessor = new InteractionBatchProcessor(sessions, recommender, scorer, catalog, parser, online, settings, guard, clock);
        var publisher = new BatchPublisher(producer);

        using var system = ActorSystem.Create("zesrec", "akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING");
        var materializer = system.Materializer();
        var (itemControl, itemsDone) = ProcessorGraph.Build(
            KafkaSource.Create(kafka.WithGroupId($"{options.Kafka.GroupId}.items.{options.Kafka.InstanceId}"), [options.Kafka.ItemsTopic], new ItemOffsets(states, settings.ItemOffsetsKey)),
            "items", options.Processing.ItemBatchSize, TimeSpan.FromMilliseconds(options.Processing.ItemBatchMs),
            ProcessorGraph.Steps<EncodedItems>(itemProcessor.EncodeAsync, itemProcessor.StoreAsync), publisher, new BatchPersister(states, null, guard), guard).Run(materializer);
        var (control, interactionsDone) = ProcessorGraph.Build(
            KafkaSource.Create(kafka.WithGroupId(options.Kafka.GroupId), [options.Kafka.InteractionsTopic], sessions),
            "interactions", options.Processing.InteractionBatchSize, TimeSpan.FromMilliseconds(options.Processing.InteractionBatchMs),
            ProcessorGraph.Step(interactionProcessor.ProcessAsync), publisher, new BatchPersister(states, sessions, guard), guard, TimeSpan.FromSeconds(1)).Run(materializer);
        var running = new RunningStreams(control, itemControl);
        readiness.Running(running);
        try
        {
            await RunUntilEitherEndsAsync(running, itemsDone, interactionsDone, cancellationToken);
        }
        finally
        {
            readiness.Stopped();
            producer.Flush(TimeSpan.FromSeconds(10));
            await system.Terminate();
            // The streams end before their consumers have left the group; a restart that joins before they leave
            // waits for the broker to time the old members out.
            await Task.WhenAny(Task.WhenAll(control.Stopped, itemControl.Stopped), Task.Delay(ConsumerCloseTimeout, CancellationToken.None));
        }
    }

    private PipelineSettings Settings(int maxMessageBytes) => new(
        options.Kafka.ItemsTopic, options.Kafka.InteractionsTopic, options.Kafka.RecommendationsTopic, options.Kafka.DeadLetterTopic,
        card.ModelVersion, options.Processing.TopK, options.Processing.MaxHistory, TimeSpan.FromMilliseconds(options.Processing.UnknownItemWaitMs))
    {
        ItemOffsetsKey = $"{options.Kafka.ItemsTopic}@{options.Kafka.InstanceId}",
        MaxMessageBytes = maxMessageBytes,
        MaxItemAge = options.Items.MaxAge,
    };

    /// <summary>Either stream ending (failure or shutdown) ends both, so the pair restarts together.</summary>
    private async Task RunUntilEitherEndsAsync(RunningStreams running, Task itemsDone, Task interactionsDone, CancellationToken cancellationToken)
    {
        void StopBoth()
        {
            running.Items.Shutdown();
            running.Interactions.Shutdown();
        }

        using var stop = cancellationToken.Register(StopBoth);
        using var watch = new Timer(_ => Observe(running), null, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        // After an upgrade's switch the streams end; the next start finds another model serving and stops the processor.
        using var servingWatch = Upgrade.ServingWatch.Start(dataSource, card.ModelVersion, StopBoth);
        var first = await Task.WhenAny(itemsDone, interactionsDone);
        StopBoth();
        await Task.WhenAll(itemsDone, interactionsDone).ContinueWith(_ => { }, TaskScheduler.Default);
        await first;
    }

    private async Task LoadCatalogAsync(ItemStore items, ItemBatchProcessor processor, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        var vectors = new List<float[]>();
        var states = new List<CatalogState>();
        await foreach (var item in items.LoadAllAsync(cancellationToken))
        {
            ids.Add(item.ItemId);
            vectors.Add(item.Embedding);
            states.Add(new CatalogState(item.CreatedAt, item.RemovedAt is not null));
            if (ids.Count == 10_000)
            {
                processor.AddToCatalog(ids, vectors, states);
                ids.Clear();
                vectors.Clear();
                states.Clear();
            }
        }

        if (ids.Count > 0)
        {
            processor.AddToCatalog(ids, vectors, states);
        }

        log.WriteLine($"zesrec serve: {catalog.Count:N0} items loaded from PostgreSQL");
    }

    /// <summary>Every second: consumer lag, a changed Kafka problem in the log, and readiness as a metric.</summary>
    private void Observe(RunningStreams running)
    {
        foreach (var c in new[] { running.Interactions, running.Items })
        {
            foreach (var (tp, lag) in c.Lag)
            {
                ZesRecMetrics.ConsumerLag.WithLabels(tp.Topic, tp.Partition.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)).Set(lag);
            }
        }

        var broker = running.Interactions.BrokerProblem ?? running.Items.BrokerProblem ?? "";
        if (readiness.Streams is not null && (broker.Length == 0) != (loggedKafkaProblem.Length == 0))
        {
            log.WriteLine(broker.Length > 0 ? $"zesrec serve: {broker}; the consumers keep retrying" : "zesrec serve: Kafka answers again");
            loggedKafkaProblem = broker;
        }

        ZesRecMetrics.Ready.Set(readiness.Observe() ? 1 : 0);
    }
}
