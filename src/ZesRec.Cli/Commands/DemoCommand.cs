using System.Diagnostics;
using System.Globalization;
using Npgsql;
using ZesRec.Data;
using ZesRec.Data.Import;
using ZesRec.Model;
using ZesRec.Model.Training;
using ZesRec.Streaming.Hosting;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Replay;
using ZesRec.Data.Events;

namespace ZesRec.Cli.Commands;

/// <summary>
/// <c>zesrec demo</c>: the whole system on one machine. Starts the local services, trains (or reuses) a model on a
/// source domain, serves it, replays an unseen target domain through Kafka and shows live and final online metrics.
/// </summary>
public sealed class DemoCommand : ICommand
{
    public string Name => "demo";

    public string Summary => "End to end: local services, train on a source, serve, replay an unseen target, online metrics.";

    public string Help => """
        Usage: zesrec demo [options]

          --data-root DIR   the shared datasets (default $ZESREC_DATA_ROOT, which ./zesrec sets, else ../shared/data);
                            zesrec data fetch amazon2018-scientific amazon2014-office --out DIR downloads them
          --source NAME     source dataset folder under the data root, RecBole format (default amazon2018-scientific)
          --target NAME     target dataset folder under the data root, ReChorus format (default amazon2014-office)
          --variant NAME    hrnn (default: beats EMB-KNN both ways on Scientific/Office and trains
                            repeatably; docs/results.md), gru4rec or tcn;
                            trained with zesrec train's default preset (transfer: the last item's vector is
                            part of the user vector, which is what lets every variant beat EMB-KNN zero-shot)
          --epochs N        training epochs for a new model (default 3; the paper trains up to 20)
          --retrain         train even when a model for this source and variant exists
          --rate N          replayed interactions per second (default 0: as fast as possible)
          --limit N         replay only the N earliest target interactions (default all)

        Everything is kept under .local/ (datasets, model, text cache). The demo uses its own topics and its own
        PostgreSQL schema, recreated on every run. Stop the services afterwards with: bash infra/dev/stack.sh down
        """;

    public async Task<int> RunAsync(CommandArgs args, CancellationToken cancellationToken)
    {
        var dataRoot = args.Get("data-root", Environment.GetEnvironmentVariable("ZESREC_DATA_ROOT") is { Length: > 0 } shared ? shared : Path.Combine("..", "shared", "data"));
        var sourceName = args.Get("source", "amazon2018-scientific");
        var targetName = args.Get("target", "amazon2014-office");
        var variant = CommandChecks.Variant(args.Get("variant", ZesRecPresets.Transfer.Variant.ToName()));
        var epochs = args.GetInt("epochs", 3, min: 1);
        var retrain = args.GetFlag("retrain");
        var rate = args.GetInt("rate", 0, min: 0);
        var limit = args.GetInt("limit", 0, min: 0);
        CommandChecks.RejectUnknownOptions(args);
        RequireSourceData(dataRoot, sourceName, targetName);

        Step("1/5 local services");
        var (postgres, kafka) = await LocalStack.UpAsync(cancellationToken);
        Console.WriteLine("    " + await LocalStack.CheckPostgresAsync(postgres, cancellationToken));
        Console.WriteLine("    " + LocalStack.CheckKafka(kafka));

        Step("2/5 datasets");
        var source = Import("recbole", Path.Combine(dataRoot, sourceName), sourceName);
        var target = Import("rechorus", Path.Combine(dataRoot, targetName), targetName);
        target = DomainOverlap.Check(source, target, new OverlapOptions { Log = Console.Out }).Cleaned;
        Console.WriteLine($"    target after the overlap check: {target.Items.Count:N0} items, {target.Interactions.Count:N0} interactions, {target.UserCount:N0} users (all unseen)");

        Step("3/5 model");
        var modelDir = Path.Combine(".local", "models", $"demo-{sourceName}-{variant.ToName()}-transfer");
        if (retrain || !File.Exists(Path.Combine(modelDir, ModelCard.FileName)))
        {
            Console.WriteLine($"    training {variant.ToName()} on {sourceName} for at most {epochs} epochs (transfer preset: D=300, Adagrad lr 0.1, dropout 0.2, last-item skip)");
            var (model, _) = TrainingJob.Run(
                new TrainingJobOptions { SourceDir = DatasetDir(sourceName), OutDir = modelDir, Config = ZesRecPresets.Transfer with { Variant = variant, MaxEpochs = epochs } },
                new IndentedWriter(Console.Out));
            model.Dispose();
        }
        else
        {
            Console.WriteLine($"    reusing {modelDir} (--retrain to train again)");
        }

        Step("4/5 serve and replay");
        var run = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var options = new ServeOptions
        {
            ModelDir = modelDir,
            Kafka = new KafkaOptions
            {
                BootstrapServers = kafka,
                GroupId = $"zesrec-demo-{run}",
                InstanceId = "demo",
                ItemsTopic = $"zesrec.demo.{run}.items",
                InteractionsTopic = $"zesrec.demo.{run}.interactions",
                RecommendationsTopic = $"zesrec.demo.{run}.recommendations",
                DeadLetterTopic = $"zesrec.demo.{run}.deadletter",
            },
            Postgres = new PostgresOptions { ConnectionString = postgres, Schema = "demo" },
            Metrics = new MetricsOptions { Port = 0 },
        };
        await RecreateSchemaAsync(postgres, "demo", cancellationToken);
        LocalStack.EnsureTopics(kafka, [options.Kafka.ItemsTopic, options.Kafka.InteractionsTopic, options.Kafka.RecommendationsTopic, options.Kafka.DeadLetterTopic]);
        await using var processor = StreamingProcessor.Create(options, new IndentedWriter(Console.Out));
        Console.WriteLine($"    processor: model {processor.Card.ModelVersion}, metrics on http://127.0.0.1:{processor.MetricsPort}/metrics");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var serving = Task.Run(() => processor.RunAsync(stop.Token), CancellationToken.None);
        var ready = Stopwatch.StartNew();
        while (!processor.Ready && ready.Elapsed < TimeSpan.FromMinutes(2) && !serving.IsCompleted)
        {
            await Task.Delay(200, cancellationToken);
        }

        var replayed = target.Interactions.Count;
        if (limit > 0)
        {
            replayed = Math.Min(limit, replayed);
        }

        using var producer = new KafkaProducer(KafkaSettings.Create(kafka).WithClientId("zesrec-demo-replay"));
        DatasetReplayer Replayer(bool items) => new(producer, new ReplayOptions
        {
            ItemsTopic = options.Kafka.ItemsTopic,
            InteractionsTopic = options.Kafka.InteractionsTopic,
            PublishItems = items,
            PublishInteractions = !items,
            Rate = rate > 0 ? rate : null,
            Limit = limit > 0 ? limit : null,
        });

        // Items first, and interactions only once the catalogue holds them: on a fresh machine encoding takes
        // longer than an interaction may wait for its item, and those that wait too long are dead-lettered.
        var clock = Stopwatch.StartNew();
        var items = await Replayer(items: true).ReplayAsync(target, null, cancellationToken);
        var bar = new ProgressBar("items ");
        while (processor.Catalog.Count < target.Items.Count && !serving.IsCompleted)
        {
            bar.Update((double)processor.Catalog.Count / target.Items.Count, $"{processor.Catalog.Count:N0}/{target.Items.Count:N0} items encoded and stored");
            await Task.Delay(250, cancellationToken);
        }

        bar.Done();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {items.ItemsPublished:N0} items encoded and stored in {clock.Elapsed.TotalSeconds:F1} s"));
        clock.Restart();
        var replay = Replayer(items: false).ReplayAsync(target, null, cancellationToken);
        bar = new ProgressBar("stream");
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
        await stop.CancelAsync();
        await serving;

        Step("5/5 results");
        var texts = target.Items.ToDictionary(i => i.ItemId, i => i.Text, StringComparer.Ordinal);
        PrintSamples(kafka, options.Kafka.RecommendationsTopic, target, texts);
        var (finalNdcg, finalRecall, evaluated) = processor.Online.Snapshot();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"\nOnline metrics over {evaluated:N0} interactions of the unseen target domain ({target.UserCount:N0} users, {target.Items.Count:N0} items, none seen in training):\n  NDCG@20   {finalNdcg:F4}\n  Recall@20 {finalRecall:F4}\n(each interaction scored against the recommendation the user held just before it; random ranking gives Recall@20 ≈ {20.0 / target.Items.Count:F4})"));
        return 0;
    }

    /// <summary>Before any service starts: the two source folders exist (or were imported on an earlier run).</summary>
    private static void RequireSourceData(string dataRoot, string sourceName, string targetName)
    {
        var missing = new[] { sourceName, targetName }
            .Where(name => !File.Exists(Path.Combine(DatasetDir(name), "dataset.json")) && !Directory.Exists(Path.Combine(dataRoot, name)))
            .ToList();
        if (missing.Count > 0)
        {
            throw new InputException(
                $"no {string.Join(" or ", missing)} under the data root {Path.GetFullPath(dataRoot)}; fetch {(missing.Count == 1 ? "it" : "them")} with './zesrec data fetch {string.Join(' ', missing)} --out {dataRoot}', or point --data-root or ZESREC_DATA_ROOT at the folder that holds them");
        }
    }

    private static void Step(string title) => Console.WriteLine($"\n== {title}");

    private static string DatasetDir(string name) => Path.Combine(".local", "datasets", name);

    private static EventLogDataset Import(string format, string input, string name)
    {
        var dir = DatasetDir(name);
        if (!File.Exists(Path.Combine(dir, "dataset.json")))
        {
            var result = DatasetImporters.ImportTo(format, input, dir, name);
            Console.WriteLine($"    imported {name}: {result.Dataset.Items.Count:N0} items, {result.Dataset.Interactions.Count:N0} interactions");
        }

        var dataset = EventLogDataset.Load(dir);
        Console.WriteLine($"    {name}: {dataset.Items.Count:N0} items, {dataset.Interactions.Count:N0} interactions, {dataset.UserCount:N0} users");
        return dataset;
    }

    private static async Task RecreateSchemaAsync(string connectionString, string schema, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE; CREATE SCHEMA \"{schema}\"", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Three users with at least three interactions: their last items and what they were recommended next.</summary>
    private static void PrintSamples(string bootstrap, string topic, EventLogDataset target, Dictionary<string, string> texts)
    {
        var history = target.Interactions.GroupBy(i => i.UserId).Where(g => g.Count() >= 3).Take(3).ToDictionary(g => g.Key, g => g.OrderBy(i => i.OrderKey).ToList());
        using var consumer = new Confluent.Kafka.ConsumerBuilder<string?, byte[]>(new Confluent.Kafka.ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "zesrec-demo-samples-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = Confluent.Kafka.AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        }).Build();
        consumer.Subscribe(topic);
        var latest = new Dictionary<string, Data.Events.RecommendationPublished>();
        var finished = new HashSet<int>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && (finished.Count == 0 || finished.Count < consumer.Assignment.Count))
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (r is null)
            {
                continue;
            }

            if (r.IsPartitionEOF)
            {
                finished.Add(r.Partition.Value);
                continue;
            }

            if (r.Message.Key is { } user && history.ContainsKey(user))
            {
                latest[user] = EventJson.DeserializeRecommendation(r.Message.Value);
            }
        }

        consumer.Close();
        foreach (var (user, events) in history)
        {
            if (!latest.TryGetValue(user, out var rec))
            {
                continue;
            }

            Console.WriteLine($"\nuser {user}, last items:");
            foreach (var e in events.TakeLast(3))
            {
                Console.WriteLine($"    - {Short(texts.GetValueOrDefault(e.ItemId, e.ItemId))}");
            }

            Console.WriteLine($"  recommended next ({rec.ModelVersion}, event {rec.EventId}):");
            foreach (var item in rec.Items.Take(5))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {item.Score,7:F3}  {Short(texts.GetValueOrDefault(item.ItemId, item.ItemId))}"));
            }
        }
    }

    private static string Short(string text) => text.Length <= 100 ? text : text[..97] + "...";

    private sealed class IndentedWriter(TextWriter inner) : TextWriter
    {
        public override System.Text.Encoding Encoding => inner.Encoding;

        public override void WriteLine(string? value) => inner.WriteLine("    " + value);

        public override void Write(char value) => inner.Write(value);
    }
}
