using ZesRec.Model;
using ZesRec.Model.Users;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Observability;
using ZesRec.Streaming.Pipeline;
using ZesRec.Streaming.Serving;
using ZesRec.Streaming.Storage;
using ZesRec.Text;
using static TorchSharp.torch;

namespace ZesRec.Streaming.Hosting;

/// <summary>
/// <c>zesrec serve</c>: loads the model, the encoder and the stored catalogue, then runs the item and interaction
/// streams (<see cref="StreamComposition"/>) until cancelled. A failed run stops both streams; the
/// <see cref="RestartSupervisor"/> starts them again, resuming from the states and offsets in PostgreSQL. The
/// <see cref="PostgresProbe"/> and the Kafka consumers feed <see cref="ProcessorReadiness"/>, so /ready names the
/// dependency that is down even while the streams are idle or, for Kafka, while librdkafka retries without failing
/// anything.
/// </summary>
public sealed class StreamingProcessor : IAsyncDisposable
{
    /// <inheritdoc cref="RestartSupervisor.MaxBackoff"/>
    public static readonly TimeSpan MaxBackoff = RestartSupervisor.MaxBackoff;

    private readonly OwnedResources owned = new();
    private readonly Npgsql.NpgsqlDataSource dataSource;
    private readonly HealthServer health;
    private readonly PostgresProbe postgres;
    private readonly ProcessorReadiness readiness;
    private readonly RestartSupervisor supervisor;
    private readonly StreamComposition streams;

    private StreamingProcessor(ServeOptions options, TextWriter log, TimeProvider clock)
    {
        try
        {
            var device = DeviceSelection.Resolve(options.Processing.Device);
            set_num_threads(options.Processing.Threads);
            KeepPoolThreads(options.Processing.MinPoolThreads);
            var (model, card) = ModelCheckpoint.Load(options.ModelDir, device);
            owned.Add(model);
            Card = card;
            var encoder = owned.Add(TextEncoders.Create(card.TextEncoderSpec, string.IsNullOrEmpty(options.Processing.TextCache) ? null : options.Processing.TextCache));
            if (encoder.Name != card.TextEncoder)
            {
                throw new InvalidOperationException($"the model was trained with text encoder '{card.TextEncoder}' but '{encoder.Name}' was loaded");
            }

            Catalog = owned.Add(new ItemCatalog(
                card.Config.Dim,
                device,
                index: options.Processing.Scoring == "usearch" ? new CandidateIndex(card.Config.Dim, options.Processing.Threads, options.Processing.SearchBreadth, options.Processing.IndexConnectivity, options.Processing.IndexPrecision == "bf16") : null,
                shortlistCopy: options.Processing.ShortlistScoring));
            dataSource = owned.Add(StoreDataSource.Create(options.Postgres.ConnectionString, string.IsNullOrEmpty(options.Postgres.Schema) ? null : $"\"{options.Postgres.Schema}\",public"));
            postgres = new PostgresProbe(dataSource, log, clock);
            readiness = new ProcessorReadiness(postgres);
            health = owned.Add(new HealthServer(options.Metrics.Host, options.Metrics.Port, readiness.Check));
            var guard = new PoisonGuard();
            supervisor = new RestartSupervisor(guard, postgres, readiness, dataSource.Clear, log, clock);
            streams = new StreamComposition(options, model, card, encoder, device, Catalog, dataSource, guard, Online, readiness, log, clock);
            ZesRecMetrics.Device.WithLabels(device.type.ToString().ToLowerInvariant()).Set(1);
        }
        catch
        {
            // What was loaded before the failure (a model on the GPU, an open listener) is released at once.
            owned.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    public ModelCard Card { get; }

    public int MetricsPort => health.Port;

    public ItemCatalog Catalog { get; }

    public OnlineMetrics Online { get; } = new();

    public bool Ready => Readiness().Ready;

    public static StreamingProcessor Create(ServeOptions options, TextWriter log, TimeProvider? clock = null)
    {
        Validate(options);
        KafkaClientProperties.Check(options.Kafka.ToSettings());
        return new StreamingProcessor(options, log, clock ?? TimeProvider.System);
    }

    // The receptive field of a TCN model's card (its states are rebuilt from the stored history); null for the other
    // variants and for a folder that is not a model (the load reports that). Read from the card: no tensor is made.
    private static int? HistoryWindow(string modelDir)
    {
        if (!File.Exists(Path.Combine(modelDir, ModelCard.FileName)))
        {
            return null;
        }

        var config = ModelCard.Load(modelDir).Config;
        return config.Variant == TcnVariant.Definition.Variant ? TcnVariant.ReceptiveField(config.TcnKernel, config.TcnDilations) : null;
    }

    /// <summary>Checks every option before anything connects, so a bad setting fails at once with its name.</summary>
    public static void Validate(ServeOptions options)
    {
        var errors = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        foreach (var part in new object[] { options, options.Kafka, options.Postgres, options.Metrics, options.Processing, options.Items })
        {
            System.ComponentModel.DataAnnotations.Validator.TryValidateObject(part, new(part), errors, validateAllProperties: true);
        }

        if (!Directory.Exists(options.ModelDir))
        {
            errors.Add(new($"model folder '{options.ModelDir}' does not exist (zesrec train writes one)", ["ModelDir"]));
        }

        if (HistoryWindow(options.ModelDir) is { } window && options.Processing.MaxHistory < window)
        {
            errors.Add(new(
                $"{options.Processing.MaxHistory} is below the {window} items this model's user states are rebuilt from (its receptive field); set it to at least {window}",
                ["Processing:MaxHistory"]));
        }

        errors.AddRange(ServeChecks.Offline(options).Select(p => new System.ComponentModel.DataAnnotations.ValidationResult(p.Problem, [p.Setting])));

        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid configuration:\n  " + string.Join("\n  ", errors.Select(e => $"{string.Join(",", e.MemberNames)}: {e.ErrorMessage}")));
        }
    }

    /// <summary>Whether the processor can serve, and if not why (see <see cref="ProcessorReadiness"/>).</summary>
    public (bool Ready, string Why) Readiness() => readiness.Check();

    /// <summary>
    /// Runs until <paramref name="cancellationToken"/> fires; restarts the streams after failures. Throws
    /// <see cref="ConfigurationException"/> when a setting cannot work (a missing schema or topic): that is not retried.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stopProbing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var probing = postgres.RunAsync(() => ZesRecMetrics.Ready.Set(Ready ? 1 : 0), stopProbing.Token);
        try
        {
            await supervisor.RunAsync(streams.RunOnceAsync, cancellationToken);
        }
        finally
        {
            await stopProbing.CancelAsync();
            await probing;
        }
    }

    public ValueTask DisposeAsync() => owned.DisposeAsync();

    /// <summary>Raises the thread pool's floor of ready workers to <paramref name="workers"/> (never lowers it).</summary>
    private static void KeepPoolThreads(int workers)
    {
        ThreadPool.GetMinThreads(out var current, out var io);
        if (workers > current)
        {
            ThreadPool.SetMinThreads(workers, io);
        }
    }
}
