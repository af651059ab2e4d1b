using System.Globalization;
using System.Text.Json;
using ZesRec.Data;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Replay;

namespace ZesRec.Cli.Commands;

/// <summary><c>zesrec replay</c>: publishes a dataset's events to Kafka, as a live stream would deliver them.</summary>
public sealed class ReplayCommand : ICommand
{
    private const string DefaultBootstrap = "127.0.0.1:59092";

    // A broker that is down fails the replay after this long instead of librdkafka's default of five minutes.
    private const string DeliveryTimeoutMs = "30000";

    public string Name => "replay";

    public string Summary => "Publish a dataset's items, then its interactions in time order, to Kafka.";

    public string Help => """
        Usage: zesrec replay --dataset DIR [options]

          --dataset DIR               dataset folder (zesrec data import makes one)
          --speed X                   replay dataset time X times faster than real time; one pause is at most 1 s
          --rate N                    at most N interactions per second
                                      (neither: as fast as the broker takes them)
          --bootstrap HOST:PORT       Kafka bootstrap servers (default: $ZESREC_KAFKA, else appsettings.json, else 127.0.0.1:59092)
          --items-topic T             topic of item-created events, keyed by item id (default from appsettings.json: zesrec.items)
          --interactions-topic T      topic of interactions, keyed by user id (default from appsettings.json: zesrec.interactions)
          --items-only                publish only the items
          --interactions-only         publish only the interactions
          --limit N                   publish only the N earliest interactions

        Every item is published and acknowledged before the first interaction. Item texts longer than the
        stream's limit (8192 characters) are cut to it, and counted in the summary.
        """;

    public async Task<int> RunAsync(CommandArgs args, CancellationToken cancellationToken)
    {
        var settings = KafkaDefaults.Load();
        var dataset = args.Require("dataset");
        var itemsOnly = args.GetFlag("items-only");
        var interactionsOnly = args.GetFlag("interactions-only");
        var options = new ReplayOptions
        {
            ItemsTopic = args.Get("items-topic", settings.ItemsTopic),
            InteractionsTopic = args.Get("interactions-topic", settings.InteractionsTopic),
            PublishItems = !interactionsOnly,
            PublishInteractions = !itemsOnly,
            Speed = args.Get("speed") is null ? null : args.GetDouble("speed", 1),
            Rate = args.Get("rate") is null ? null : args.GetInt("rate", 1, min: 1),
            Limit = args.Get("limit") is null ? null : args.GetInt("limit", 0, min: 0),
        };
        var bootstrap = args.Get("bootstrap")
            ?? (Environment.GetEnvironmentVariable("ZESREC_KAFKA") is { Length: > 0 } env ? env : settings.Bootstrap);
        CommandChecks.RejectUnknownOptions(args);
        if (itemsOnly && interactionsOnly)
        {
            throw new UsageException("--items-only and --interactions-only exclude each other");
        }

        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }

        var events = EventLogDataset.Load(dataset);

        var kafka = KafkaSettings.Create(bootstrap).WithClientId("zesrec-replay").WithProperty("message.timeout.ms", DeliveryTimeoutMs);
        using var producer = new KafkaProducer(kafka);
        var replayer = new DatasetReplayer(producer, options);
        var itemsBar = new ProgressBar("items       ");
        var interactionsBar = new ProgressBar("interactions");
        var progress = new SynchronousProgress<ReplayProgress>(p =>
        {
            var bar = p.Phase == ReplayPhase.Items ? itemsBar : interactionsBar;
            var rate = p.Sent / Math.Max(1e-9, p.Elapsed.TotalSeconds);
            bar.Update((double)p.Sent / Math.Max(1, p.Total), string.Create(CultureInfo.InvariantCulture, $"{p.Sent:N0}/{p.Total:N0} {rate:N0}/s"), p.Sent == p.Total);
        });

        Console.Error.WriteLine($"replaying '{events.Name}' to {bootstrap}: {events.Items.Count:N0} items -> {options.ItemsTopic}, {events.Interactions.Count:N0} interactions -> {options.InteractionsTopic}");
        ReplayReport report;
        try
        {
            report = await replayer.ReplayAsync(events, progress, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            itemsBar.Done();
            await Console.Error.WriteLineAsync("zesrec replay: cancelled; what was sent before is published");
            return 130;
        }
        catch (InvalidOperationException e)
        {
            itemsBar.Done();
            await Console.Error.WriteLineAsync($"zesrec replay: {e.Message}");
            return 1;
        }

        interactionsBar.Done();
        Print(report);
        return 0;
    }

    private static void Print(ReplayReport report)
    {
        Console.WriteLine($"items published:        {report.ItemsPublished:N0}");
        Console.WriteLine($"interactions published: {report.InteractionsPublished:N0}");
        if (report.TextsCut > 0)
        {
            Console.WriteLine($"texts cut to the limit: {report.TextsCut:N0}");
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"took {report.Duration.TotalSeconds:F1} s; interactions at {report.InteractionsPerSecond:N0}/s over {report.InteractionsDuration.TotalSeconds:F1} s"));
    }

    /// <summary>The Kafka section of appsettings.json next to the executable, where there is one.</summary>
    private sealed record KafkaDefaults(string Bootstrap, string ItemsTopic, string InteractionsTopic)
    {
        public static KafkaDefaults Load()
        {
            var defaults = new KafkaDefaults(DefaultBootstrap, "zesrec.items", "zesrec.interactions");
            var path = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
            if (!File.Exists(path))
            {
                return defaults;
            }

            using var json = JsonDocument.Parse(File.ReadAllText(path));
            if (!json.RootElement.TryGetProperty("Kafka", out var kafka))
            {
                return defaults;
            }

            string Read(string name, string fallback) =>
                kafka.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : fallback;

            return new KafkaDefaults(
                Read("BootstrapServers", defaults.Bootstrap),
                Read("ItemsTopic", defaults.ItemsTopic),
                Read("InteractionsTopic", defaults.InteractionsTopic));
        }
    }
}
