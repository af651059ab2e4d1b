using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using ZesRec.Configuration;
using ZesRec.Data.Events;
using ZesRec.Streaming.Bench;
using ZesRec.Streaming.Hosting;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Storage;
using ZesRec.Text;

// End-to-end throughput and latency of the streaming processor on this machine, in one run.
// Usage: dotnet run -c Release --project bench/ZesRec.Streaming.Bench -- [--model DIR] [--datasets DIR]
//        [--interactions N] [--rate N] [--seconds N] [--scorer-batches N] [--threads N] [--batch N] [--text-cache DIR]
// --text-cache reuses encoded texts (the items figure is then not the encoder's); --batch sets InteractionBatchSize;
// --batch-ms sets InteractionBatchMs; --skip-encoder-alone skips measuring the encoder on its own (about 100 s);
// --warmup N sends N interactions of other users, untimed, before the throughput phase (default 10,000; 0: none);
// --paced-warmup S paces S seconds of interactions at --rate, untimed, before the latency phase (default 5; 0: none).
// --models DIR,DIR,... runs every phase after the encoder for each model in turn and ends with one row per model;
// --users N [--max-users C] [--per-user K] runs the bounded-state benchmark instead (ScaleRun.cs).
// --score-precision fp32|bf16: Processing:ScorePrecision for the processor and the scorer-alone phase.
// --min-pool-threads N: Processing:MinPoolThreads (the thread pool's floor of ready workers; its default otherwise).
// --trace-csv FILE writes every paced interaction's time at each stage (LatencyTrace.cs); the breakdown is printed always.
// --ann-items N [--ann-users U] [--candidates C,C] [--breadths B,B] [--connectivity M] [--ann-catalogue copies|mixtures]
// [--index-precision fp32|bf16] [--pgvector] [--e2e N [--e2e-only]] runs the large-catalogue benchmark instead (AnnRun.cs); --e2e serves with the first
// candidate count and breadth; --e2e-only skips the scorer-alone measurements and goes straight to the processor;
// --breadths none builds no usearch index (exact and bfloat16-shortlist rows only).
// Reads the services' addresses as every verb does (eval "$(bash infra/dev/stack.sh env)" exports them; docs/configuration.md).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var root = RepoRoot();
var modelDirs = Arg("--models", Arg("--model", Path.Combine(root, ".local", "models", "bench-scientific-gru4rec"))).Split(',', StringSplitOptions.RemoveEmptyEntries);
var modelDir = modelDirs[0];
var datasets = Arg("--datasets", Path.Combine(root, ".local", "datasets"));
var interactionCount = int.Parse(Arg("--interactions", "100000"), CultureInfo.InvariantCulture);
var rate = int.Parse(Arg("--rate", "1000"), CultureInfo.InvariantCulture);
var seconds = int.Parse(Arg("--seconds", "30"), CultureInfo.InvariantCulture);
var pacedWarmup = int.Parse(Arg("--paced-warmup", "5"), CultureInfo.InvariantCulture);
var scorerBatches = int.Parse(Arg("--scorer-batches", "20"), CultureInfo.InvariantCulture);
var threads = int.Parse(Arg("--threads", "2"), CultureInfo.InvariantCulture);
var interactionBatch = int.Parse(Arg("--batch", "512"), CultureInfo.InvariantCulture);
var textCache = Arg("--text-cache", "");
var interactionBatchMs = int.Parse(Arg("--batch-ms", "20"), CultureInfo.InvariantCulture);
var skipEncoderAlone = args.Contains("--skip-encoder-alone");
var encoderSpec = ZesRec.Model.ModelCard.Load(modelDir).TextEncoderSpec;
var warmupCount = int.Parse(Arg("--warmup", "10000"), CultureInfo.InvariantCulture);
// --trace-csv FILE: one row per paced interaction with its time at every stage (LatencyTrace.cs); a model's name is
// inserted before the extension when --models names several.
var traceCsvArg = Arg("--trace-csv", "");
var latencyRuns = new List<(string Model, double P50, double P95, double P99, string Load, int SlowSeconds, int Starved)>();
// The services' addresses are settings like serve's: Postgres:ConnectionString and Kafka:BootstrapServers.
var services = ZesRecConfiguration.Bind<ServeOptions>(ZesRecConfiguration.Build());
var pg = services.Postgres.ConnectionString;
var bootstrap = services.Kafka.BootstrapServers;
var command = "dotnet run -c Release --project bench/ZesRec.Streaming.Bench -- " + string.Join(' ', args);

var results = new List<(string Measure, string Value, string Target)>();
var rows = new List<string>();
void Result(string measure, string value, string target = "")
{
    results.Add((measure, value, target));
    Console.WriteLine($"  {measure}: {value} {target}");
}

var startLoad = LoadAverage();
Console.WriteLine($"load at start: {startLoad}; {Environment.ProcessorCount} cores");
if (args.Contains("--ann-items"))
{
    return await AnnRun.RunAsync(
        modelDir, datasets, services, int.Parse(Arg("--ann-items", "1000000"), CultureInfo.InvariantCulture), int.Parse(Arg("--ann-users", "2048"), CultureInfo.InvariantCulture),
        [.. Arg("--candidates", "100").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))],
        [.. Arg("--breadths", "64").Split(',', StringSplitOptions.RemoveEmptyEntries).Where(b => b != "none").Select(c => int.Parse(c, CultureInfo.InvariantCulture))], Arg("--ann-catalogue", "copies"), args.Contains("--pgvector"),
        int.Parse(Arg("--e2e", "0"), CultureInfo.InvariantCulture), args.Contains("--e2e-only"), int.Parse(Arg("--connectivity", "16"), CultureInfo.InvariantCulture), Arg("--index-precision", "bf16"), textCache, threads, command);
}

if (args.Contains("--users"))
{
    return await ScaleRun.RunAsync(
        modelDir, datasets, services, int.Parse(Arg("--users", "1000000"), CultureInfo.InvariantCulture), int.Parse(Arg("--max-users", "100000"), CultureInfo.InvariantCulture),
        int.Parse(Arg("--per-user", "2"), CultureInfo.InvariantCulture), textCache, threads, command);
}

var data = BenchData.Load(datasets, interactionCount, rate * (seconds + pacedWarmup), warmupCount);
var pacedUntimed = data.Paced.Take(rate * pacedWarmup).ToList();
var pacedTimed = data.Paced.Skip(rate * pacedWarmup).ToList();
var texts = data.Items.Select(i => i.Text).ToArray();
Console.WriteLine($"catalogue {data.Items.Count:N0} items (mean {texts.Average(t => t.Length):F0} chars); {data.Throughput.Count:N0} + {data.Paced.Count:N0} Games interactions of {data.Throughput.Concat(data.Paced).Select(i => i.UserId).Distinct().Count():N0} users");

var processing = new ProcessingOptions { Device = "cpu", Threads = threads, TextCache = textCache, InteractionBatchSize = interactionBatch, InteractionBatchMs = interactionBatchMs, ScorePrecision = Arg("--score-precision", "fp32") };
if (args.Contains("--min-pool-threads"))
{
    processing.MinPoolThreads = int.Parse(Arg("--min-pool-threads", ""), CultureInfo.InvariantCulture);
}

var batchSettings = $"ItemBatchSize {processing.ItemBatchSize} / {processing.ItemBatchMs} ms, InteractionBatchSize {processing.InteractionBatchSize} / {processing.InteractionBatchMs} ms, TopK {processing.TopK}, Scoring {processing.Scoring} ({processing.ScorePrecision}), torch threads {processing.Threads}, encoder threads 2, text cache {(textCache.Length == 0 ? "off" : "on")}";
Console.WriteLine($"processor: {batchSettings}");

// 1b. The encoder alone, called with the processor's item batches, before anything else competes for the cores.
Console.WriteLine($"[encoder alone] load {LoadAverage()}");
var encoderRate = double.NaN;
using (var encoder = skipEncoderAlone ? null : TextEncoders.Create(encoderSpec, null, 2))
{
    if (encoder is not null)
    {
        encoder.Encode(texts.Take(64).ToArray());
        var clock = Stopwatch.StartNew();
        foreach (var chunk in texts.Chunk(processing.ItemBatchSize))
        {
            encoder.Encode(chunk);
        }

        encoderRate = texts.Length / clock.Elapsed.TotalSeconds;
    }
}

foreach (var modelDirForRun in modelDirs)
{
Console.WriteLine($"=== {modelDirForRun}");
var traceCsv = traceCsvArg.Length == 0 || modelDirs.Length == 1 ? traceCsvArg
    : Path.ChangeExtension(traceCsvArg, null) + "-" + Path.GetFileName(modelDirForRun) + Path.GetExtension(traceCsvArg);
// A fresh schema and fresh topics, so nothing of an earlier run is loaded or re-read.
var schema = $"bench_{Guid.NewGuid():N}";
await using var admin = StoreDataSource.Create(pg);
await using (var create = admin.CreateCommand($"CREATE SCHEMA \"{schema}\""))
{
    await create.ExecuteNonQueryAsync();
}

var itemsTopic = BenchTopics.Fresh(bootstrap, "items");
var interactionsTopic = BenchTopics.Fresh(bootstrap, "interactions");
var recsTopic = BenchTopics.Fresh(bootstrap, "recs");
var deadTopic = BenchTopics.Fresh(bootstrap, "dead");
var options = new ServeOptions
{
    ModelDir = modelDirForRun,
    Kafka = new KafkaOptions
    {
        BootstrapServers = bootstrap,
        GroupId = $"bench.{Guid.NewGuid():N}",
        InstanceId = "bench",
        ItemsTopic = itemsTopic[0].Topic,
        InteractionsTopic = interactionsTopic[0].Topic,
        RecommendationsTopic = recsTopic[0].Topic,
        DeadLetterTopic = deadTopic[0].Topic,
    },
    Postgres = new PostgresOptions { ConnectionString = pg, Schema = schema },
    Metrics = new MetricsOptions { Port = 0 },
    Processing = processing,
};

var processor = StreamingProcessor.Create(options, Console.Out);
using var stop = new CancellationTokenSource();
var run = Task.Run(() => processor.RunAsync(stop.Token));
try
{
    if (!await WaitAsync(() => processor.Ready || run.IsCompleted, TimeSpan.FromSeconds(120)))
    {
        throw new TimeoutException("the processor did not become ready within 120 s");
    }

    Console.WriteLine($"model {processor.Card.ModelVersion}, D = {processor.Card.Config.Dim}, {processor.Card.TextEncoder}");
    // The processor's producer settings; a plain client, so the paced phase can take delivery reports on librdkafka's thread.
    using var producer = new ProducerBuilder<string?, byte[]>(KafkaSettings.Create(bootstrap).WithClientId("zesrec-bench").ToProducerConfig()).SetLogHandler(KafkaLog.Handle).Build();

    // 1. Item events: first publish until every item is in the in-memory catalogue (encoded, stored, added).
    Console.WriteLine($"[items] load {LoadAverage()}");
    var cpu = CpuAccounting.Snapshot();
    var itemStages = StageTimes.ItemSnapshot();
    var clock = Stopwatch.StartNew();
    var sends = data.Items.Select(i => producer.ProduceAsync(options.Kafka.ItemsTopic, Message(i.ItemId, EventJson.Serialize(i)))).ToArray();
    var loaded = await WaitAsync(() => processor.Catalog.Count >= data.Items.Count, TimeSpan.FromMinutes(10));
    var itemSeconds = clock.Elapsed.TotalSeconds;
    await Task.WhenAll(sends);
    var itemRate = processor.Catalog.Count / itemSeconds;
    Result("items end to end", loaded ? $"{itemRate:F0} items/s ({data.Items.Count:N0} in {itemSeconds:F1} s)" : $"timed out: {processor.Catalog.Count:N0} of {data.Items.Count:N0} in {itemSeconds:F0} s", "≥ 900/s");
    Result($"encoder alone ({encoderSpec}, 2 threads, batches of " + processing.ItemBatchSize + ")", $"{encoderRate:F0} texts/s");
    Result("items pipeline / encoder alone", $"{itemRate / encoderRate:P0}");
    Result("items: CPU", CpuAccounting.Describe(cpu, CpuAccounting.Snapshot(), itemSeconds));
    Result("items: stages (mean per batch)", StageTimes.Describe(itemStages, StageTimes.ItemSnapshot()));

    // 2a. Warm-up: other users' interactions, untimed, so that the JIT has compiled the interaction path's hot
    // code and libtorch has allocated its buffers before the clock starts (a service pays this once, at start).
    if (data.Warmup.Count > 0)
    {
        Console.WriteLine($"[warm-up] {data.Warmup.Count:N0} interactions, load {LoadAverage()}");
        var warmupBefore = processor.Online.Snapshot().Evaluated;
        var warmupSends = data.Warmup.Select(i => producer.ProduceAsync(options.Kafka.InteractionsTopic, Message(i.UserId, EventJson.Serialize(i)))).ToArray();
        await WaitAsync(() => processor.Online.Snapshot().Evaluated - warmupBefore >= data.Warmup.Count, TimeSpan.FromMinutes(5));
        await Task.WhenAll(warmupSends);
        await Task.Delay(TimeSpan.FromSeconds(1));
    }

    // 2. Interaction events, as fast as the producer goes: first publish until every one is applied and scored.
    var loadAtStart = LoadAverage();
    Console.WriteLine($"[interactions] load {loadAtStart}");
    var before = processor.Online.Snapshot().Evaluated;
    cpu = CpuAccounting.Snapshot();
    var stagesBefore = StageTimes.Snapshot();
    var walBefore = await PgActivity.WalBytesAsync(admin);
    clock.Restart();
    var interactionSends = data.Throughput.Select(i => producer.ProduceAsync(options.Kafka.InteractionsTopic, Message(i.UserId, EventJson.Serialize(i)))).ToArray();
    var published = clock.Elapsed.TotalSeconds;
    var applied = await WaitAsync(() => processor.Online.Snapshot().Evaluated - before >= data.Throughput.Count, TimeSpan.FromMinutes(10));
    var interactionSeconds = clock.Elapsed.TotalSeconds;
    await Task.WhenAll(interactionSends);
    var done = processor.Online.Snapshot().Evaluated - before;
    var interactionRate = done / interactionSeconds;
    var cpuAfter = CpuAccounting.Snapshot();
    var interactionCpu = CpuAccounting.Describe(cpu, cpuAfter, interactionSeconds);
    var interactionsPerCpuSecond = done / CpuAccounting.Total(cpu, cpuAfter);
    var loadAtEnd = LoadAverage();
    Result("interactions end to end", applied ? $"{interactionRate:F0} interactions/s ({done:N0} in {interactionSeconds:F1} s; producer handed all over in {published:F1} s)" : $"timed out: {done:N0} of {data.Throughput.Count:N0} in {interactionSeconds:F0} s", "≥ 5,000/s");
    Result("interactions: CPU", interactionCpu);
    var stagesAfter = StageTimes.Snapshot();
    var stateStored = StatesFromHistory(modelDirForRun) ? "none (rebuilt from the history)" : $"{StateFloats(modelDirForRun):N0}";
    var walPerBatch = (await PgActivity.WalBytesAsync(admin) - walBefore) / (double)Math.Max(1, StageTimes.Batches(stagesBefore, stagesAfter));
    Result("interactions: stages (mean per batch)", StageTimes.Describe(stagesBefore, stagesAfter));
    Result("interactions: PostgreSQL WAL written per batch", $"{walPerBatch / 1e6:F2} MB (state row {processor.Card.Config.Variant}: {StateFloats(modelDirForRun)}, stored per user: {stateStored})");

    // 3. Latency at a fixed offered rate: interaction create time (delivery report) to recommendation create time.
    await Task.Delay(TimeSpan.FromSeconds(2));
    Console.WriteLine($"[latency] load {LoadAverage()}");
    var latencyStages = StageTimes.Snapshot();
    var gcBefore = GcStats.Snapshot();
    var pgBefore = await PgActivity.SnapshotAsync(admin, schema);
    using var sampler = new PhaseSampler();
    using var delays = new RunDelaySampler();
    // The pacer sleeps between sends: it gets a thread of its own, not one of the pool's workers the processor runs on.
    // First --paced-warmup seconds at the same rate, untimed: small batches run code the full batches of the phases
    // before did not make hot, and the runtime's tiered JIT recompiles it in the background the first time it does.
    if (pacedUntimed.Count > 0)
    {
        var warmBefore = processor.Online.Snapshot().Evaluated;
        await Task.Factory.StartNew(() => Pace(producer, options.Kafka.InteractionsTopic, pacedUntimed, rate, _ => { }), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await WaitAsync(() => processor.Online.Snapshot().Evaluated - warmBefore >= pacedUntimed.Count, TimeSpan.FromMinutes(2));
        await Task.Delay(TimeSpan.FromSeconds(1));
    }

    var (latencies, offeredRate, missing, stalls, stallOrigin, stallSeconds, breakdown) = await Task.Factory.StartNew(
        () =>
        {
            var measured = MeasureLatency(producer, bootstrap, options.Kafka.InteractionsTopic, recsTopic, pacedTimed, rate, delays, traceCsv, out var offered, out var lost, out var slowText, out var origin, out var slowSeconds, out var segments);
            return (measured, offered, lost, slowText, origin, slowSeconds, segments);
        },
        CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    Result($"event → recommendation latency at {offeredRate:F0} interactions/s offered for {seconds} s ({latencies.Length:N0} joined, {missing:N0} missing)",
        latencies.Length == 0 ? "no recommendations" : $"p50 {Percentile(latencies, 0.50):F0} ms, p95 {Percentile(latencies, 0.95):F0} ms, p99 {Percentile(latencies, 0.99):F0} ms, max {latencies[^1]:F0} ms", "p99 < 100 ms");

    Result("latency phase: stages (mean per batch)", StageTimes.Describe(latencyStages, StageTimes.Snapshot()));
    Result("latency phase: garbage collection", GcStats.Describe(gcBefore, GcStats.Snapshot()));
    Result("latency phase: PostgreSQL", PgActivity.Describe(pgBefore, await PgActivity.SnapshotAsync(admin, schema)));
    Result("latency phase: events over 200 ms, by second of the phase", stalls);
    Result("latency phase: CPU in those seconds (top 3, CPU-s) and GC pause", sampler.Describe(stallOrigin, stallSeconds));
    Console.WriteLine("[latency] where the time went, per event (send → recommendation), by segment:");
    Console.WriteLine(breakdown.Text);
    latencyRuns.Add((Path.GetFileName(modelDirForRun), latencies.Length == 0 ? double.NaN : Percentile(latencies, 0.50), latencies.Length == 0 ? double.NaN : Percentile(latencies, 0.95), latencies.Length == 0 ? double.NaN : Percentile(latencies, 0.99), LoadAverage(), breakdown.SlowSeconds, breakdown.Starved));

    // 2b. The scorer alone over the same catalogue, on the same cores, while the processor is idle.
    Console.WriteLine($"[scorer alone] load {LoadAverage()}");
    var (scorerRate, stepShare, scorerPerCpuSecond) = ScorerAlone.Measure(modelDirForRun, processor.Catalog, processing.InteractionBatchSize, scorerBatches, processing.TopK, processing.ShortlistScoring);
    Result($"scorer alone (Step + TopK, batches of {processing.InteractionBatchSize} random users)", $"{scorerRate:F0} user updates/s (Step {stepShare:P0} of it)");
    Result("interactions pipeline / scorer alone", $"{interactionRate / scorerRate:P0}");
    Result("interactions per CPU-second: pipeline (this process, broker, PostgreSQL) / scorer alone", $"{interactionsPerCpuSecond:F0} / {scorerPerCpuSecond:F0} ({interactionsPerCpuSecond / scorerPerCpuSecond:P0})");
    var p = latencies.Length == 0 ? "none" : $"{Percentile(latencies, 0.50):F0} / {Percentile(latencies, 0.95):F0} / {Percentile(latencies, 0.99):F0} ms";
    rows.Add($"| {processor.Card.Config.Variant} ({Path.GetFileName(modelDirForRun)}) | {StateFloats(modelDirForRun):N0} / {stateStored} | {interactionRate:N0}/s | {scorerRate:N0}/s | {interactionRate / scorerRate:P0} | {StageTimes.MeanMs(stagesBefore, stagesAfter, "process (step + score)"):F1} ms | {StageTimes.MeanMs(stagesBefore, stagesAfter, "state flush"):F1} ms | {walPerBatch / 1e6:F2} MB | {interactionsPerCpuSecond:N0} / {scorerPerCpuSecond:N0} ({interactionsPerCpuSecond / scorerPerCpuSecond:P0}) | {p} | {loadAtStart.Split(' ')[0]} / {loadAtEnd.Split(' ')[0]} |");
}
finally
{
    await stop.CancelAsync();
    await run.WaitAsync(TimeSpan.FromSeconds(60)).ContinueWith(_ => { }, TaskScheduler.Default);
    await processor.DisposeAsync();
    await using var drop = admin.CreateCommand($"DROP SCHEMA \"{schema}\" CASCADE");
    await drop.ExecuteNonQueryAsync();
}

}

Console.WriteLine();
Console.WriteLine($"Command: `flock /tmp/zesrec-cpu.lock {command}`  ");
Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, load average at start {startLoad}; catalogue {data.Items.Count:N0} items, D = 300; processor: {batchSettings}");
Console.WriteLine();
Console.WriteLine("| measure | result | target |");
Console.WriteLine("|---|---|---|");
foreach (var (measure, value, target) in results)
{
    Console.WriteLine($"| {measure} | {value} | {target} |");
}

Console.WriteLine();
Console.WriteLine("| model | state floats held / stored per user | interactions end to end | scorer alone | pipeline / scorer | process per batch | state flush per flush | PostgreSQL WAL per batch | per CPU-second: pipeline (all processes) / scorer alone | p50 / p95 / p99 at the offered rate | load average (1 min) at the start / end of the throughput phase |");
Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|");
foreach (var row in rows)
{
    Console.WriteLine(row);
}

Console.WriteLine();
foreach (var (model, p50, p95, p99, load, slowSeconds, starved) in latencyRuns)
{
    // One line per model, for scripts that collect many runs (bench/latency-runs.sh).
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"LATENCY {model} p50 {p50:F0} p95 {p95:F0} p99 {p99:F0} slow-seconds {slowSeconds} starved {starved}"));
}

return 0;

static Message<string?, byte[]> Message(string key, byte[] value) => new() { Key = key, Value = value };

// Sends the events at the rate, paced by the wall clock: at every tick, what is due so far. The rate achieved.
static double Pace(IProducer<string?, byte[]> producer, string topic, IReadOnlyList<ZesRec.Data.Events.InteractionOccurred> events, int rate, Action<DeliveryReport<string?, byte[]>> delivered)
{
    var sentCount = 0;
    var clock = Stopwatch.StartNew();
    while (sentCount < events.Count)
    {
        var due = Math.Min(events.Count, (int)(clock.Elapsed.TotalSeconds * rate) + 1);
        while (sentCount < due)
        {
            var i = events[sentCount++];
            producer.Produce(topic, Message(i.UserId, EventJson.Serialize(i)), delivered);
        }

        Thread.Sleep(1);
    }

    return events.Count / clock.Elapsed.TotalSeconds;
}

static double[] MeasureLatency(IProducer<string?, byte[]> producer, string bootstrap, string interactionsTopic, IReadOnlyList<TopicPartition> recsTopic, IReadOnlyList<ZesRec.Data.Events.InteractionOccurred> paced, int rate, RunDelaySampler delays, string traceCsv, out double offeredRate, out int missing, out string stalls, out DateTime stallOrigin, out int[] stallSeconds, out (string Text, int SlowSeconds, int Starved) breakdown)
{
    // The development broker keeps ~5 MiB per partition, so recommendations are read while they are written,
    // from the end of what the throughput phase left.
    using var reader = new ConsumerBuilder<string?, byte[]>(new ConsumerConfig
    {
        BootstrapServers = bootstrap,
        GroupId = $"bench.read.{Guid.NewGuid():N}",
        EnableAutoCommit = false,
        EnablePartitionEof = false,
    }).Build();
    reader.Assign(recsTopic.Select(tp => new TopicPartitionOffset(tp, reader.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High)));
    var recTimes = new Dictionary<(int, long), DateTime>();
    var readerStop = new CancellationTokenSource();
    var readerDone = Task.Factory.StartNew(() =>
    {
        var idleSince = DateTime.UtcNow;
        while (!readerStop.IsCancellationRequested || DateTime.UtcNow - idleSince < TimeSpan.FromSeconds(5))
        {
            var r = reader.Consume(TimeSpan.FromMilliseconds(100));
            if (r?.Message is null)
            {
                continue;
            }

            idleSince = DateTime.UtcNow;
            var rec = EventJson.DeserializeRecommendation(r.Message.Value);
            lock (recTimes)
            {
                recTimes[(rec.SourcePartition, rec.SourceOffset)] = r.Message.Timestamp.UtcDateTime;
            }
        }
    }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    // The interactions are read back too: the delivery report of this client carries no timestamp.
    var interactionStarts = Enumerable.Range(0, recsTopic.Count)
        .Select(p => new TopicPartition(interactionsTopic, p))
        .Select(tp => new TopicPartitionOffset(tp, reader.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High))
        .ToList();

    // Paced by the wall clock: at every tick, send what is due so far. Every stage of the processor is timestamped
    // meanwhile (a few entries per event; room for ten).
    var trace = new LatencyTrace();
    ZesRec.Streaming.Observability.EventTrace.Start(interactionsTopic, paced.Count * 10 + 10_000);
    offeredRate = Pace(producer, interactionsTopic, paced, rate, trace.OnDelivered);
    producer.Flush(TimeSpan.FromSeconds(60));
    var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
    while (DateTime.UtcNow < deadline && Count() < paced.Count)
    {
        Thread.Sleep(100);
    }

    readerStop.Cancel();
    readerDone.Wait(TimeSpan.FromSeconds(30));
    reader.Close();
    var traced = ZesRec.Streaming.Observability.EventTrace.Stop();
    var interactionTimes = new Dictionary<(int, long), DateTime>();
    using (var back = new ConsumerBuilder<string?, byte[]>(new ConsumerConfig
    {
        BootstrapServers = bootstrap,
        GroupId = $"bench.read.{Guid.NewGuid():N}",
        EnableAutoCommit = false,
        EnablePartitionEof = false,
    }).Build())
    {
        back.Assign(interactionStarts);
        var readDeadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (interactionTimes.Count < paced.Count && DateTime.UtcNow < readDeadline)
        {
            var r = back.Consume(TimeSpan.FromMilliseconds(100));
            if (r?.Message is not null)
            {
                interactionTimes[(r.Partition.Value, r.Offset.Value)] = r.Message.Timestamp.UtcDateTime;
            }
        }

        back.Close();
    }

    var latencies = new List<double>(paced.Count);
    var slow = new List<(double At, double Ms)>();
    var first = interactionTimes.Count == 0 ? DateTime.UtcNow : interactionTimes.Values.Min();
    lock (recTimes)
    {
        foreach (var (key, sent) in interactionTimes)
        {
            if (recTimes.TryGetValue(key, out var recTime))
            {
                var ms = (recTime - sent).TotalMilliseconds;
                latencies.Add(ms);
                if (ms > 200)
                {
                    slow.Add(((sent - first).TotalSeconds, ms));
                }
            }
        }
    }

    stallOrigin = first;
    stallSeconds = [.. slow.Select(x => (int)x.At).Distinct().Order()];
    // Stalls show as runs of slow events sent within the same second or two.
    stalls = slow.Count == 0
        ? "none"
        : string.Join("; ", slow.GroupBy(x => (int)x.At).OrderBy(g => g.Key)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"s{g.Key}: {g.Count()} (max {g.Max(x => x.Ms):F0} ms)")));

    missing = paced.Count - latencies.Count;
    List<LatencyTrace.Row> rows;
    lock (recTimes)
    {
        rows = trace.Join(traced, interactionTimes, recTimes);
    }

    if (traceCsv.Length > 0)
    {
        LatencyTrace.WriteCsv(traceCsv, rows);
        Console.WriteLine($"[latency] per-event trace: {traceCsv}");
    }

    breakdown = LatencyTrace.Breakdown(rows, delays, first);
    latencies.Sort();
    return [.. latencies];

    int Count()
    {
        lock (recTimes)
        {
            return recTimes.Count;
        }
    }
}

static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

static async Task<bool> WaitAsync(Func<bool> condition, TimeSpan within)
{
    var deadline = DateTime.UtcNow + within;
    while (!condition())
    {
        if (DateTime.UtcNow > deadline)
        {
            return false;
        }

        await Task.Delay(10);
    }

    return true;
}

static int StateFloats(string dir)
{
    var (model, _) = ZesRec.Model.ModelCheckpoint.Load(dir, TorchSharp.torch.CPU);
    using (model)
    {
        return model.StateSize;
    }
}

static bool StatesFromHistory(string dir)
{
    var (model, _) = ZesRec.Model.ModelCheckpoint.Load(dir, TorchSharp.torch.CPU);
    using (model)
    {
        return model.StateWindow is not null;
    }
}

static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

static string RepoRoot()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ZesRec.Streaming.sln")))
    {
        dir = dir.Parent;
    }

    return dir?.FullName ?? Directory.GetCurrentDirectory();
}
