using Akka;
using Akka.Actor;
using Akka.Streams;
using ZesRec.Model;
using ZesRec.Data.Events;
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
/// started again with exponential back-off (1 s doubling, at most <see cref="MaxBackoff"/>), resuming from the
/// states and offsets in PostgreSQL. PostgreSQL is probed twice a second and the Kafka consumers report whether they
/// reach a broker, so /ready names the dependency that is down even while the streams are idle or, for Kafka, while
/// librdkafka retries without failing anything.
/// </summary>
public sealed class StreamingProcessor : IAsyncDisposable
{
    /// <summary>
    /// The longest wait between two restarts. Kept short: after an outage of any length the processor is back
    /// within this (or at once, when the PostgreSQL probe sees the database return), and a failing attempt costs
    /// only a refused connection.
    /// </summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    /// <summary>The pause before a run that isolates a failing record; not an outage, so no back-off.</summary>
    private static readonly TimeSpan IsolationPause = TimeSpan.FromMilliseconds(200);

    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ConsumerCloseTimeout = TimeSpan.FromSeconds(10);

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
    private readonly PoisonGuard guard = new();
    private volatile string notReadyReason = "starting";
    private volatile string postgresProblem = "";
    private volatile string loggedKafkaProblem = "";
    private volatile Consumers? consumers;
    private volatile bool running;
    private volatile bool becameReady;
    private long postgresBackTicks;

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
        health = new HealthServer(options.Metrics.Host, options.Metrics.Port, Readiness);
        ZesRecMetrics.Device.WithLabels(device.type.ToString().ToLowerInvariant()).Set(1);
    }

    public ModelCard Card => card;

    public int MetricsPort => health.Port;

    public ItemCatalog Catalog => catalog;

    public OnlineMetrics Online { get; } = new();

    public bool Ready => Readiness().Ready;

    public static StreamingProcessor Create(ServeOptions options, TextWriter log, TimeProvider? clock = null)
    {
        Validate(options);
        KafkaClientProperties.Check(options.Kafka.ToSettings());
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

        errors.AddRange(ServeChecks.Offline(options).Select(p => new System.ComponentModel.DataAnnotations.ValidationResult(p.Problem, [p.Setting])));

        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid configuration:\n  " + string.Join("\n  ", errors.Select(e => $"{string.Join(",", e.MemberNames)}: {e.ErrorMessage}")));
        }
    }

    /// <summary>
    /// Whether the processor can serve, and if not why: a dependency found down by the probes first, then the
    /// state of the streams (restarting, joining the group, ...).
    /// </summary>
    public (bool Ready, string Why) Readiness()
    {
        if (postgresProblem is { Length: > 0 } database)
        {
            return (false, database);
        }

        // Read live from the consumers, not from the last one-second observation, so that readiness turns the
        // moment a broker answers again or the partitions come back.
        if (running && consumers is { } current)
        {
            if ((current.Interactions.BrokerProblem ?? current.Items.BrokerProblem) is { } broker)
            {
                return (false, broker);
            }

            return current.Interactions.Assignment.Count == 0 ? (false, "no interaction partitions assigned yet") : (true, "");
        }

        var reason = notReadyReason;
        return (false, reason.Length > 0 ? reason : "restarting the streams");
    }

    /// <summary>
    /// Runs until <paramref name="cancellationToken"/> fires; restarts the streams after failures. Throws
    /// <see cref="ConfigurationException"/> when a setting cannot work (a missing schema or topic): that is not retried.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stopProbing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var probing = ProbeAsync(stopProbing.Token);
        var backoff = TimeSpan.FromSeconds(1);
        var attempt = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                becameReady = false;
                try
                {
                    await RunOnceAsync(cancellationToken);
                }
                catch (ConfigurationException e)
                {
                    // The caller reports it (zesrec serve: on stderr, with a non-zero exit code).
                    notReadyReason = e.Message;
                    throw;
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    var failedAt = clock.GetUtcNow().UtcTicks;
                    ZesRecMetrics.Restarts.Inc();
                    // Connections of a database that went away are dead; the next attempt must open new ones.
                    dataSource.Clear();
                    if (guard.OnFailure(e) is { } isolating)
                    {
                        // A failure tied to records, not an outage: the next run applies them one by one at once.
                        notReadyReason = $"isolating a failing record: {isolating}";
                        log.WriteLine($"zesrec serve: {isolating}; restarting now");
                        if (!await WaitBeforeRestartAsync(IsolationPause, failedAt, cancellationToken))
                        {
                            break;
                        }

                        continue;
                    }

                    if (becameReady)
                    {
                        // The run had recovered from any earlier failure: this is a new outage, start short again.
                        backoff = TimeSpan.FromSeconds(1);
                        attempt = 0;
                    }

                    attempt++;
                    notReadyReason = Describe(e);
                    log.WriteLine($"zesrec serve: {notReadyReason}; restart {attempt} in {backoff.TotalSeconds:0.#} s");
                    if (!await WaitBeforeRestartAsync(backoff, failedAt, cancellationToken))
                    {
                        break;
                    }

                    backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
                }
            }
        }
        finally
        {
            await stopProbing.CancelAsync();
            await probing;
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
        await ServeChecks.EnsureSchemaAsync(dataSource, options.Postgres, cancellationToken);
        await StoreSchema.EnsureAsync(dataSource, card.Config.Dim, cancellationToken);
        notReadyReason = "checking the Kafka topics";
        var maxMessageBytes = await ServeChecks.CheckTopicsAsync(options, KafkaSettings.ProducerMessageMaxBytes);
        var items = new ItemStore(dataSource);
        var states = new StateStore(dataSource);
        var parser = new EventParser(new EventLimits { MaxTextLength = options.Processing.MaxTextLength }, clock);
        var settings = new PipelineSettings(
            options.Kafka.ItemsTopic, options.Kafka.InteractionsTopic, options.Kafka.RecommendationsTopic, options.Kafka.DeadLetterTopic,
            card.ModelVersion, options.Processing.TopK, options.Processing.MaxHistory, TimeSpan.FromMilliseconds(options.Processing.UnknownItemWaitMs))
        {
            ItemOffsetsKey = $"{options.Kafka.ItemsTopic}@{options.Kafka.InstanceId}",
            MaxMessageBytes = maxMessageBytes,
        };
        var itemProcessor = new ItemBatchProcessor(encoder, model, device, catalog, items, parser, settings, guard, clock);
        await LoadCatalogAsync(items, itemProcessor, cancellationToken);

        notReadyReason = "joining the consumer group";
        var kafka = options.Kafka.ToSettings();
        using var producer = new KafkaProducer(kafka.WithClientId($"zesrec-{options.Kafka.InstanceId}"));
        var sessions = new UserSessions(states, options.Kafka.InteractionsTopic);
        using var recommender = new Recommender(model, catalog, device);
        ITopKScorer scorer = options.Processing.Scoring == "pgvector" ? new PgVectorScorer(recommender, items) : recommender;
        var interactionProcessor = new InteractionBatchProcessor(sessions, recommender, scorer, catalog, parser, Online, settings, guard, clock);
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
        consumers = new Consumers(control, itemControl);
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
            consumers = null;
            producer.Flush(TimeSpan.FromSeconds(10));
            await system.Terminate();
            // The streams end before their consumers have left the group; a restart that joins before they leave
            // waits for the broker to time the old members out.
            await Task.WhenAny(Task.WhenAll(control.Stopped, itemControl.Stopped), Task.Delay(ConsumerCloseTimeout, CancellationToken.None));
        }
    }

    /// <summary>
    /// Waits out the back-off; false when cancelled. Ends early once the PostgreSQL probe has seen the database
    /// come back after the failure, so the time to recover does not depend on where in the back-off it returned.
    /// </summary>
    private async Task<bool> WaitBeforeRestartAsync(TimeSpan backoff, long failedAt, CancellationToken cancellationToken)
    {
        var until = clock.GetUtcNow() + backoff;
        try
        {
            while (clock.GetUtcNow() < until)
            {
                if (Interlocked.Read(ref postgresBackTicks) > failedAt)
                {
                    log.WriteLine("zesrec serve: PostgreSQL is reachable again; restarting now");
                    return true;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Checks PostgreSQL every <see cref="ProbeInterval"/> with a trivial query and publishes readiness. The streams
    /// would notice a dead database only at their next flush, and not at all while no events arrive.
    /// </summary>
    private async Task ProbeAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(ProbeTimeout);
                await using (var command = dataSource.CreateCommand("SELECT 1"))
                {
                    await command.ExecuteScalarAsync(timeout.Token);
                }

                if (postgresProblem.Length > 0)
                {
                    postgresProblem = "";
                    Interlocked.Exchange(ref postgresBackTicks, clock.GetUtcNow().UtcTicks);
                    log.WriteLine("zesrec serve: PostgreSQL answers again");
                }
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                if (postgresProblem.Length == 0)
                {
                    log.WriteLine($"zesrec serve: PostgreSQL probe failed: {e.Message}");
                }

                postgresProblem = $"PostgreSQL unreachable: {(e is OperationCanceledException ? $"no answer within {ProbeTimeout.TotalSeconds:0} s" : e.Message)}";
                dataSource.Clear();
            }
            catch (OperationCanceledException)
            {
                break;
            }

            ZesRecMetrics.Ready.Set(Ready ? 1 : 0);
            try
            {
                await Task.Delay(ProbeInterval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>A reason for /ready and the log that names the dependency at fault.</summary>
    private static string Describe(Exception failure)
    {
        var chain = new List<Exception>();
        var pending = new Stack<Exception>([failure]);
        while (pending.TryPop(out var e) && chain.Count < 32)
        {
            chain.Add(e);
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (e.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }

        if (chain.OfType<Npgsql.PostgresException>().FirstOrDefault() is { } server && !IsConnectionLoss(server))
        {
            return $"PostgreSQL error: {server.MessageText} ({server.SqlState})";
        }

        if (chain.OfType<Npgsql.NpgsqlException>().FirstOrDefault() is { } database)
        {
            return $"PostgreSQL unreachable: {database.Message}";
        }

        if (chain.OfType<Confluent.Kafka.KafkaException>().FirstOrDefault() is { } kafka)
        {
            return $"Kafka failed: {kafka.Error.Reason} ({kafka.Error.Code})";
        }

        return $"stream failed: {failure.GetBaseException().Message}";
    }

    /// <summary>Server errors of a database going away: shutdown or crash (class 57P), connection exceptions (08).</summary>
    private static bool IsConnectionLoss(Npgsql.PostgresException e) =>
        e.SqlState.StartsWith("57P", StringComparison.Ordinal) || e.SqlState.StartsWith("08", StringComparison.Ordinal);

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

        var broker = interactions.BrokerProblem ?? itemsControl.BrokerProblem ?? "";
        if (running && (broker.Length == 0) != (loggedKafkaProblem.Length == 0))
        {
            log.WriteLine(broker.Length > 0 ? $"zesrec serve: {broker}; the consumers keep retrying" : "zesrec serve: Kafka answers again");
            loggedKafkaProblem = broker;
        }

        var ready = Ready;
        if (ready)
        {
            becameReady = true;
        }

        ZesRecMetrics.Ready.Set(ready ? 1 : 0);
    }

    /// <summary>The consumers of the streams now running.</summary>
    private sealed record Consumers(KafkaConsumerControl Interactions, KafkaConsumerControl Items);
}
