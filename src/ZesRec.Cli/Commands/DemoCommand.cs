using System.Diagnostics;
using System.Globalization;
using ZesRec.Streaming.Hosting;

namespace ZesRec.Cli.Commands;

/// <summary>
/// <c>zesrec demo</c>: the whole system on one machine, in stages: the local services, the datasets, a model trained
/// (or reused) on the source domain, the processor serving it while an unseen target domain is replayed through
/// Kafka, and the online metrics.
/// </summary>
public sealed class DemoCommand : ICommand
{
    private static readonly SettingFlags Flags = new(
        new("data-root", "Demo:DataRoot", "DIR", "the shared datasets; none: $ZESREC_DATA_ROOT (which ./zesrec sets), else ../shared/data"),
        new("source", "Demo:Source", "NAME", "source dataset folder under the data root, RecBole format"),
        new("target", "Demo:Target", "NAME", "target dataset folder under the data root, ReChorus format"),
        new("variant", "Demo:Variant", "NAME", "tcn, hrnn or gru4rec, trained with zesrec train's transfer preset"),
        new("epochs", "Demo:Epochs", "N", "training epochs for a new model (the paper trains up to 20)"),
        new("retrain", "Demo:Retrain", null, "train even when a model for this source and variant exists"),
        new("rate", "Demo:Rate", "N", "replayed interactions per second (0: as fast as possible)"),
        new("limit", "Demo:Limit", "N", "replay only the N earliest target interactions (0: all)"));

    public string Name => "demo";

    public string Summary => "End to end: local services, train on a source, serve, replay an unseen target, online metrics frozen and adaptive.";

    public string Help => $"""
        Usage: zesrec demo [options]

        {Flags.Help(new DemoOptions(), "Demo")}

        'zesrec data fetch amazon2018-scientific amazon2014-office --out DIR' downloads the datasets. The variant
        defaults to train's: tcn. Zero-shot, the three variants score within noise of each other, each well above
        EMB-KNN, and tcn's states are the cheapest to store (docs/results.md).
        Settings also come from appsettings.json and ZESREC_ variables (ZESREC_Demo__Epochs; docs/configuration.md).
        Kafka and PostgreSQL are the local stack's (infra/dev/stack.sh up, which the demo runs).

        Everything is kept under .local/ (datasets, model, text cache). The demo uses its own topics and its own
        PostgreSQL schema, recreated on every run. Stop the services afterwards with: bash infra/dev/stack.sh down
        """;

    public async Task<int> RunAsync(CommandArgs args, CancellationToken cancellationToken)
    {
        var options = SettingFlags.Bind<DemoOptions>(Flags.Load(args), "Demo");
        CommandChecks.RejectUnknownOptions(args);
        options.Validate();
        DemoData.RequireSourceData(options);

        Step("1/5 local services");
        var lane = await StartServicesAsync(args, cancellationToken);

        Step("2/5 datasets");
        var target = DemoData.Import(options);

        Step("3/5 model");
        var modelDir = DemoData.EnsureModel(options);

        Step("4/5 serve and replay: frozen and adaptive");
        var run = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var clock = Stopwatch.StartNew();
        var outcome = await DemoStream.RunAsync(name => DemoStream.Settings(lane(), modelDir, run, name), modelDir, target, options, cancellationToken);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    served in {clock.Elapsed.TotalSeconds:F1} s"));

        Step("5/5 results");
        DemoReport.Print(DemoStream.Settings(lane(), modelDir, run, "adaptive").Kafka, target, outcome);
        return 0;
    }

    /// <summary>
    /// Starts the local stack; returns a loader of the settings the way serve loads them, with the addresses the stack
    /// printed in place of configured ones (the demo runs against the services it started), fresh for each processor.
    /// </summary>
    private static async Task<Func<ServeOptions>> StartServicesAsync(CommandArgs args, CancellationToken cancellationToken)
    {
        var stack = await LocalStack.UpAsync(cancellationToken);
        ServeOptions Load() => SettingFlags.Bind<ServeOptions>(Flags.Load(args, discovered: stack));
        var services = Load();
        Console.WriteLine("    " + await LocalStack.CheckPostgresAsync(services.Postgres.ConnectionString, cancellationToken));
        Console.WriteLine("    " + LocalStack.CheckKafka(services.Kafka.BootstrapServers));
        return Load;
    }

    private static void Step(string title) => Console.WriteLine($"\n== {title}");
}
