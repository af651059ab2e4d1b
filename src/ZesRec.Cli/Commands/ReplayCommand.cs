using System.Globalization;
using ZesRec.Data;
using ZesRec.Streaming.Hosting;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Replay;

namespace ZesRec.Cli.Commands;

/// <summary><c>zesrec replay</c>: publishes a dataset's events to Kafka, as a live stream would deliver them.</summary>
public sealed class ReplayCommand : ICommand
{
    // A broker that is down fails the replay after this long instead of librdkafka's default of five minutes.
    private const string DeliveryTimeoutMs = "30000";

    public string Name => "replay";

    public string Summary => "Publish a dataset's items, then its interactions in time order, to Kafka.";

    private static readonly SettingFlags Flags = new(
        new("bootstrap", "Kafka:BootstrapServers", "HOST:PORT", "Kafka bootstrap servers"),
        new("items-topic", "Kafka:ItemsTopic", "T", "topic of item-created events, keyed by item id"),
        new("interactions-topic", "Kafka:InteractionsTopic", "T", "topic of interactions, keyed by user id"));

    public string Help => $"""
        Usage: zesrec replay --dataset DIR [options]
               zesrec replay --item-events FILE [options]

          --dataset DIR               dataset folder (zesrec data import makes one)
          --item-events FILE          JSON Lines of item events (item-created, item-updated, item-removed),
                                      published in file order after the dataset's items, before its interactions
          --speed X                   replay dataset time X times faster than real time; one pause is at most 1 s
          --rate N                    at most N interactions per second
                                      (neither: as fast as the broker takes them)
          --items-only                publish only the items
          --interactions-only         publish only the interactions
          --limit N                   publish only the N earliest interactions
        {Flags.Help(new KafkaOptions(), "Kafka")}
        {KafkaPropertyFlags.Help}

        The Kafka settings are zesrec serve's: appsettings.json, then ZESREC_ environment variables
        (ZESREC_Kafka__BootstrapServers, ZESREC_Kafka__Client__security_protocol), then these flags (docs/configuration.md).

        Every item is published and acknowledged before the first interaction. Item texts longer than the
        stream's limit (8192 characters) are cut to it, and counted in the summary.
        """;

    public async Task<int> RunAsync(CommandArgs args, CancellationToken cancellationToken)
    {
        var settings = SettingFlags.Bind<KafkaOptions>(Flags.Load(args, kafkaProperties: true), "Kafka");
        var itemEventsFile = args.Get("item-events");
        var dataset = itemEventsFile is null ? args.Require("dataset") : args.Get("dataset");
        var itemsOnly = args.GetFlag("items-only");
        var interactionsOnly = args.GetFlag("interactions-only");
        var options = new ReplayOptions
        {
            ItemsTopic = settings.ItemsTopic,
            InteractionsTopic = settings.InteractionsTopic,
            PublishItems = !interactionsOnly,
            PublishInteractions = !itemsOnly,
            Speed = args.Get("speed") is null ? null : args.GetDouble("speed", 1),
            Rate = args.Get("rate") is null ? null : args.GetInt("rate", 1, min: 1),
            Limit = args.Get("limit") is null ? null : args.GetInt("limit", 0, min: 0),
            ItemEvents = itemEventsFile is null ? [] : ItemEventFile.Load(itemEventsFile),
        };
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

        KafkaSettings kafka;
        try
        {
            kafka = settings.ToSettings().WithClientId("zesrec-replay").WithProperty("message.timeout.ms", DeliveryTimeoutMs);
            KafkaClientProperties.Check(kafka);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }

        var events = dataset is null ? null : EventLogDataset.Load(dataset);

        using var producer = new KafkaProducer(kafka);
        var replayer = new DatasetReplayer(producer, options);
        if (events is null)
        {
            Console.Error.WriteLine($"replaying {options.ItemEvents.Count:N0} item events from {itemEventsFile} to {settings.BootstrapServers} -> {options.ItemsTopic}");
            Print(await replayer.ReplayItemEventsAsync(cancellationToken));
            return 0;
        }

        var itemsBar = new ProgressBar("items       ");
        var interactionsBar = new ProgressBar("interactions");
        var progress = new SynchronousProgress<ReplayProgress>(p =>
        {
            var bar = p.Phase == ReplayPhase.Items ? itemsBar : interactionsBar;
            var rate = p.Sent / Math.Max(1e-9, p.Elapsed.TotalSeconds);
            bar.Update((double)p.Sent / Math.Max(1, p.Total), string.Create(CultureInfo.InvariantCulture, $"{p.Sent:N0}/{p.Total:N0} {rate:N0}/s"), p.Sent == p.Total);
        });

        Console.Error.WriteLine($"replaying '{events.Name}' to {settings.BootstrapServers}: {events.Items.Count:N0} items -> {options.ItemsTopic}, {events.Interactions.Count:N0} interactions -> {options.InteractionsTopic}");
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
        if (report.ItemEventsPublished > 0)
        {
            Console.WriteLine($"item events published:  {report.ItemEventsPublished:N0}");
        }

        Console.WriteLine($"interactions published: {report.InteractionsPublished:N0}");
        if (report.TextsCut > 0)
        {
            Console.WriteLine($"texts cut to the limit: {report.TextsCut:N0}");
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"took {report.Duration.TotalSeconds:F1} s; interactions at {report.InteractionsPerSecond:N0}/s over {report.InteractionsDuration.TotalSeconds:F1} s"));
    }
}
