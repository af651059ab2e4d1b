// Frozen versus adaptive on a replayed target stream (docs/adaptation.md, "Measured"): two processors serve the same
// replay, one frozen, one whose store `zesrec adapt --once` rounds move to fine-tuned models; then EMB-KNN and an
// in-domain item-id oracle are scored offline on the same events. Run through bench/adaptation-replay.sh.
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using ZesRec.Adaptation.Bench;
using ZesRec.Data;
using ZesRec.Data.Import;
using ZesRec.Streaming.Adaptation;
using ZesRec.Streaming.Hosting;
using static TorchSharp.torch;

var options = Args.Parse(args);
var log = Console.Out;
if (options.Find("compare") is { } eventsCsv)
{
    // Adaptive against frozen from an earlier replay's events.csv.
    log.Write(LaneComparison.FromEvents(eventsCsv, int.Parse(options.Find("window") ?? "2000", CultureInfo.InvariantCulture)));
    return 0;
}

var target = EventLogDataset.Load(options.Get("target"));
if (options.Find("source") is { } sourceDir)
{
    target = DomainOverlap.Check(EventLogDataset.Load(sourceDir), target, new OverlapOptions { Log = log }).Cleaned;
}

var fraction = double.Parse(options.Find("users-fraction") ?? "1", CultureInfo.InvariantCulture);
if (fraction < 1)
{
    // Deterministic: a user is kept by a hash of its id, the same users on every run and machine.
    var kept = target.Interactions.Where(i => SHA256.HashData(Encoding.UTF8.GetBytes(i.UserId))[0] < fraction * 256).ToList();
    target = new EventLogDataset(target.Name, target.SourceFormat, target.Items, kept);
}

var name = options.Get("name");
var chunks = int.Parse(options.Find("chunks") ?? "8", CultureInfo.InvariantCulture);
var window = int.Parse(options.Find("window") ?? "2000", CultureInfo.InvariantCulture);
var oracle = (options.Find("oracle") ?? "300:1").Split(':');
var outDir = Path.GetFullPath(options.Find("out") ?? Path.Combine(".local", "adapt-bench", name));
var plotsDir = options.Find("plots") ?? "docs/figures";
var stream = new StreamIndex(target);
log.WriteLine($"{name}: {target.Items.Count:N0} items, {stream.Ordered.Count:N0} interactions, {stream.Users.Count:N0} users; {chunks} chunks, a round after each but the last");
if (options.Find("offline") == "1")
{
    // The rounds alone, as the store would hold the stream at each boundary: no Kafka, no processors, no references.
    return OfflineRounds.Run(
        stream, [.. target.Items.Select(i => i.ItemId)], SideBySideReplay.Even(stream.Ordered.Count, chunks), options.Get("model"),
        Path.GetFullPath(Path.Combine(".local", "cache", "text")), options.Rest, log);
}

// The adaptive lane serves through a link that each promotion repoints; promoted models land beside it.
var models = Path.Combine(outDir, "models");
if (Directory.Exists(outDir))
{
    Directory.Delete(outDir, recursive: true);
}

Directory.CreateDirectory(models);
var sourceModel = Path.Combine(models, "source");
CopyFolder(options.Get("model"), sourceModel);
var link = Path.Combine(models, "current");
File.CreateSymbolicLink(link, sourceModel);

var run = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
var schemaPrefix = "ab_" + new string([.. name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')]);
ServeOptions Lane(string lane)
{
    var o = new ServeOptions();
    o.Kafka.BootstrapServers = Environment.GetEnvironmentVariable("ZESREC_Kafka__BootstrapServers") ?? o.Kafka.BootstrapServers;
    o.Postgres.ConnectionString = Environment.GetEnvironmentVariable("ZESREC_Postgres__ConnectionString") ?? o.Postgres.ConnectionString;
    o.Postgres.Schema = $"{schemaPrefix}_{lane}";
    o.Postgres.CreateSchema = true;
    o.Kafka.GroupId = $"zesrec-adapt-bench-{run}-{lane}";
    o.Kafka.InstanceId = lane;
    o.Kafka.ItemsTopic = $"zesrec.adaptbench.{run}.items";
    o.Kafka.InteractionsTopic = $"zesrec.adaptbench.{run}.interactions";
    o.Kafka.RecommendationsTopic = $"zesrec.adaptbench.{run}.recommendations";
    o.Kafka.DeadLetterTopic = $"zesrec.adaptbench.{run}.deadletter";
    o.Processing.TextCache = Path.GetFullPath(Path.Combine(".local", "cache", "text"));
    return o;
}

await using (var pg = NpgsqlDataSource.Create(Lane("frozen").Postgres.ConnectionString))
{
    foreach (var lane in (string[])["frozen", "adaptive"])
    {
        await pg.CreateCommand($"DROP SCHEMA IF EXISTS \"{Lane(lane).Postgres.Schema}\" CASCADE").ExecuteNonQueryAsync();
    }
}

// The development broker creates a topic the first time its metadata is asked for (as LocalStack.EnsureTopics relies on).
using (var admin = new Confluent.Kafka.AdminClientBuilder(new Confluent.Kafka.AdminClientConfig { BootstrapServers = Lane("frozen").Kafka.BootstrapServers }).Build())
{
    var k = Lane("frozen").Kafka;
    foreach (var topic in new[] { k.ItemsTopic, k.InteractionsTopic, k.RecommendationsTopic, k.DeadLetterTopic })
    {
        for (var tries = 0; admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.SingleOrDefault(t => t.Topic == topic) is not { Error.IsError: false, Partitions.Count: > 0 }; tries++)
        {
            if (tries == 100)
            {
                throw new InvalidOperationException($"topic {topic} was not created");
            }

            Thread.Sleep(200);
        }
    }
}

var adapt = new AdaptProcess(options.Get("zesrec"), link, options.Rest, log);
var boundaries = SideBySideReplay.Even(stream.Ordered.Count, chunks);
var replay = new SideBySideReplay
{
    Settings = Lane,
    FrozenModelDir = sourceModel,
    AdaptiveModelDir = link,
    Round = adapt.RunAsync,
    Rate = options.Find("rate") is { } rate ? int.Parse(rate, CultureInfo.InvariantCulture) : null,
    Log = log,
};
var clock = System.Diagnostics.Stopwatch.StartNew();
var result = await replay.RunAsync(target, boundaries, boundaries.Take(chunks - 1).ToHashSet(), CancellationToken.None);
log.WriteLine($"replayed through both lanes in {clock.Elapsed.TotalSeconds:F0} s; scoring the references");

set_num_threads(Environment.ProcessorCount);
var embKnn = References.EmbKnn(stream, Lane("frozen").Processing.TextCache, CPU);
var cut = boundaries[(3 * chunks / 4) - 1];
var (oracleEvents, oracleSeconds, oracleTrain) = References.Oracle(stream, cut, int.Parse(oracle[0], CultureInfo.InvariantCulture), double.Parse(oracle[1], CultureInfo.InvariantCulture), CPU, log);

var report = Report.Write(outDir, name, stream, boundaries, result, embKnn, oracleEvents, (oracleSeconds, oracleTrain, oracle[0], oracle[1]), fraction, window);
Directory.CreateDirectory(plotsDir);
IReadOnlyList<(string, IReadOnlyList<ScoredEvent?>)> lines =
[
    ("frozen (zero-shot)", result.Frozen),
    ("adaptive", result.Adaptive),
    ("EMB-KNN", embKnn),
    ($"GRU4Rec id oracle (first 3/4)", oracleEvents),
];
foreach (var recall in (bool[])[false, true])
{
    RollingPlot.Save(Path.Combine(plotsDir, $"adaptation-{name}-{(recall ? "recall20" : "ndcg20")}"), $"{name}: frozen vs adaptive", recall, window, lines, result.Rounds);
}

log.WriteLine(report);
return 0;

static void CopyFolder(string from, string to)
{
    Directory.CreateDirectory(to);
    foreach (var file in Directory.GetFiles(from))
    {
        File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }
}
