using System.Diagnostics;
using System.Globalization;
using ZesRec.Data;
using ZesRec.Data.Events;
using ZesRec.Model;
using ZesRec.Streaming.Hosting;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Serving;
using ZesRec.Streaming.Storage;
using ZesRec.Text;
using static TorchSharp.torch;

namespace ZesRec.Streaming.Bench;

/// <summary>
/// A large catalogue: <c>items</c> item vectors derived from the real item texts of the datasets under
/// <c>datasets</c> (office, scientific, gift-cards, magazines): the first M are the texts' own vectors (through the
/// model's text encoder and item layer). Item i ≥ M is made in text-feature space and then passed through the model's
/// item layer, as serving embeds a text, so every vector is one the model can serve (unit length for a cosine model):
/// in the <c>copies</c> catalogue, text i mod M's features plus Gaussian noise (standard deviation a tenth of the
/// features' RMS, seeded by i), so the catalogue is clusters of about items / M near-duplicates; in the
/// <c>mixtures</c> catalogue, w · (text i mod M) + (1 − w) · (another text), the other text and w ∈ [0, 1) drawn with
/// seed i, so every item is a distinct point between two real ones. Either way every vector is distinct and "top 20"
/// is unambiguous. Users: Office histories stepped through the model. Measures, per
/// candidate count and search breadth: build time, memory, scorer throughput and recall@20 against exact scoring (a
/// hit is an item of the exact top 20); then, with <c>--e2e</c>, interactions/s through a real processor serving the
/// same catalogue from PostgreSQL with <c>Processing:Scoring = usearch</c> and the first candidate count and breadth.
/// </summary>
public static class AnnRun
{
    private const int K = 20;
    private const int Batch = 512;

    public static async Task<int> RunAsync(string modelDir, string datasets, ServeOptions services, int itemCount, int userCount, int[] candidateCounts, int[] breadths, string catalogueKind, bool pgvector, int e2eInteractions, bool e2eOnly, int connectivity, string indexPrecision, string textCache, int threads, string command)
    {
        var startLoad = File.ReadAllText("/proc/loadavg");
        set_num_threads(threads);
        var (model, card) = ModelCheckpoint.Load(modelDir, CPU);
        model.eval();
        var dim = card.Config.Dim;
        var (ids, vectors, baseCount) = Catalogue(model, card, datasets, itemCount, catalogueKind, textCache);
        Console.WriteLine($"catalogue ({catalogueKind}): {itemCount:N0} items from {baseCount:N0} real texts; load {Load()}");
        var lines = new List<string>();

        // Users: the first Office histories whose items are all in the catalogue, stepped round by round.
        var rows = ids.Take(baseCount).Select((id, row) => (id, row)).ToDictionary(p => p.id, p => p.row, StringComparer.Ordinal);
        var histories = EventLogDataset.Load(Path.Combine(datasets, "office")).Interactions
            .GroupBy(i => i.UserId, StringComparer.Ordinal)
            .Select(g => g.OrderBy(i => i.OrderKey).Select(i => "office:" + i.ItemId).ToList())
            .Where(h => h.All(rows.ContainsKey))
            .Take(userCount).ToList();

        // --e2e-only: the catalogue goes straight to PostgreSQL and the processor; the scorers are not measured here.
        using var catalog = new ItemCatalog(dim, CPU, itemCount, e2eOnly || breadths.Length == 0 ? null : new CandidateIndex(dim, threads, breadths[0], connectivity, indexPrecision == "bf16"), shortlistCopy: !e2eOnly);
        using var recommender = new Recommender(model, catalog, CPU);
        List<float[]> states = [];
        List<IReadOnlySet<string>> seen = [];
        List<(string ItemId, float Score)[]> exact = [];
        if (!e2eOnly)
        {
            var rssBefore = Rss();
            var buildClock = Stopwatch.StartNew();
            for (var from = 0; from < itemCount; from += 10_000)
            {
                var n = Math.Min(10_000, itemCount - from);
                using var chunk = tensor(vectors.AsSpan(from * dim, n * dim).ToArray(), [n, dim]);
                catalog.Upsert(ids[from..(from + n)], chunk);
                if ((from / 10_000) % 10 == 9)
                {
                    Console.WriteLine($"  usearch: {from + n:N0} of {itemCount:N0} indexed in {buildClock.Elapsed.TotalSeconds:F0} s; load {Load()}");
                }
            }

            var build = buildClock.Elapsed.TotalSeconds;
            var indexBytes = catalog.Index?.MemoryBytes ?? 0;
            Console.WriteLine($"  catalogue built in {build:F1} s; index {indexBytes / 1e6:N0} MB; RSS {rssBefore / 1e6:N0} -> {Rss() / 1e6:N0} MB");

            (states, seen) = Users(recommender, histories, rows);
            Console.WriteLine($"users: {states.Count:N0} Office users, {histories.Sum(h => h.Count):N0} interactions stepped");
            (exact, var exactRate) = Score(recommender, states, seen);
            Console.WriteLine($"  exact: {exactRate:F0} users/s (top-{K} over {itemCount:N0} items); load {Load()}");
            lines.Add($"| exact (matrix) | | {itemCount * (long)dim * 4 / 1e6:N0} MB (the matrix) | {exactRate:N0} | 1.000 |");
            using (var shortlisted = new Recommender(model, catalog, CPU) { Shortlist = true })
            {
                var (found, rate) = Score(shortlisted, states, seen);
                var recall = Recall(exact, found);
                Console.WriteLine($"  bf16 shortlist: {rate:F0} users/s, recall@{K} {recall:F4}; load {Load()}");
                lines.Add($"| matrix in bfloat16, {K + Recommender.ShortlistMargin} shortlisted per user and re-scored exactly | | {itemCount * (long)dim * 2 / 1e6:N0} MB (+ the matrix) | {rate:N0} | {recall:F3} |");
            }


            foreach (var breadth in breadths)
            {
                catalog.Index!.SearchBreadth = breadth;
                foreach (var c in candidateCounts)
                {
                    var (found, rate) = Score(new ApproximateScorer(recommender, catalog, c), states, seen);
                    var recall = Recall(exact, found);
                    Console.WriteLine($"  usearch, {c} candidates, breadth {breadth}: {rate:F0} users/s, recall@{K} {recall:F4}; load {Load()}");
                    lines.Add($"| usearch HNSW, {c} candidates re-ranked, search breadth {Math.Max(breadth, c)} | {build:N1} s | {indexBytes / 1e6:N0} MB (+ the matrix) | {rate:N0} | {recall:F3} |");
                }
            }
        }

        await using var admin = StoreDataSource.Create(services.Postgres.ConnectionString);
        var schema = $"bench_{Guid.NewGuid():N}";
        await using (var create = admin.CreateCommand($"CREATE SCHEMA \"{schema}\""))
        {
            await create.ExecuteNonQueryAsync();
        }

        try
        {
            await using var data = StoreDataSource.Create(services.Postgres.ConnectionString + $";Search Path={schema},public");
            if (pgvector || e2eInteractions > 0)
            {
                await StoreSchema.EnsureAsync(data, dim, card.ModelVersion);
                var store = new ItemStore(data, card.ModelVersion);
                var copyClock = Stopwatch.StartNew();
                for (var from = 0; from < itemCount; from += 5_000)
                {
                    var n = Math.Min(5_000, itemCount - from);
                    await store.UpsertAsync([.. Enumerable.Range(from, n).Select(i => new StoredItem(ids[i], ids[i], vectors.AsSpan(i * dim, dim).ToArray(), null, null))]);
                }

                Console.WriteLine($"  PostgreSQL: {itemCount:N0} items stored in {copyClock.Elapsed.TotalSeconds:F0} s");
                if (pgvector && !e2eOnly)
                {
                    var indexClock = Stopwatch.StartNew();
                    await StoreSchema.CreateVectorIndexAsync(data, VectorIndexKind.InnerProduct);
                    var pgBuild = indexClock.Elapsed.TotalSeconds;
                    await using var size = data.CreateCommand("SELECT pg_relation_size('items_embedding_ip_idx')");
                    var pgBytes = Convert.ToInt64(await size.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
                    Console.WriteLine($"  pgvector: HNSW built in {pgBuild:F1} s, {pgBytes / 1e6:N0} MB; load {Load()}");
                    foreach (var c in candidateCounts)
                    {
                        var (found, rate) = Score(new PgVectorScorer(recommender, store, c), states, seen);
                        var recall = Recall(exact, found);
                        Console.WriteLine($"  pgvector, {c} candidates: {rate:F0} users/s, recall@{K} {recall:F4}; load {Load()}");
                        lines.Add($"| pgvector HNSW, {c} candidates, one query per batch | {pgBuild:N1} s | {pgBytes / 1e6:N0} MB (in PostgreSQL) | {rate:N0} | {recall:F3} |");
                    }
                }
            }

            // The processor gets the memory back before it loads its own copy.
            catalog.Dispose();
            vectors = [];
            GC.Collect();
            var endToEnd = e2eInteractions > 0 && breadths.Length > 0 ? await EndToEndAsync(modelDir, services, schema, data, histories, e2eInteractions, threads, candidateCounts[0], breadths[0], connectivity, indexPrecision) : "";

            Console.WriteLine();
            Console.WriteLine($"Command: `{command}`  ");
            Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, load average at start {string.Join(' ', startLoad.Split(' ').Take(3))}, at the end {Load()}; model {Path.GetFileName(modelDir)} (D = {dim}); {itemCount:N0} items ({catalogueKind}); usearch connectivity {connectivity}, {indexPrecision} vectors; {states.Count:N0} users scored in batches of {Batch}");
            Console.WriteLine();
            Console.WriteLine("| scorer | index build | memory | user top-20s/s (scorer alone) | recall@20 |");
            Console.WriteLine("|---|---:|---:|---:|---:|");
            lines.ForEach(Console.WriteLine);
            if (endToEnd.Length > 0)
            {
                Console.WriteLine();
                Console.WriteLine(endToEnd);
            }
        }
        finally
        {
            await using var drop = admin.CreateCommand($"DROP SCHEMA \"{schema}\" CASCADE");
            await drop.ExecuteNonQueryAsync();
        }

        return 0;
    }

    /// <summary>Ids and a row-major [items, D] array: the real texts' vectors, then noisy copies or mixtures of them.</summary>
    private static (string[] Ids, float[] Vectors, int BaseCount) Catalogue(ZesRecModel model, ModelCard card, string datasets, int itemCount, string kind, string textCache)
    {
        if (kind is not ("copies" or "mixtures"))
        {
            throw new ArgumentException($"--ann-catalogue {kind}: copies or mixtures");
        }

        var texts = new List<(string Id, string Text)>();
        foreach (var name in new[] { "office", "scientific", "gift-cards", "magazines" })
        {
            var path = Path.Combine(datasets, name);
            if (Directory.Exists(path))
            {
                texts.AddRange(EventLogDataset.Load(path).Items.Select(i => ($"{name}:{i.ItemId}", i.Text)));
            }
        }

        texts = [.. texts.DistinctBy(t => t.Text, StringComparer.Ordinal)];
        using var encoder = TextEncoders.Create(card.TextEncoderSpec, textCache.Length == 0 ? null : textCache);
        var encoded = encoder.Encode([.. texts.Select(t => t.Text)]);
        var width = encoder.Dimension;
        var m = Math.Min(texts.Count, itemCount);
        var baseFeatures = encoded.Take(m).SelectMany(e => e).ToArray();
        var rms = Math.Sqrt(baseFeatures.Average(x => (double)x * x));
        var sigma = 0.1 * rms;
        var dim = card.Config.Dim;
        var ids = new string[itemCount];
        var vectors = new float[(long)itemCount * dim];
        const int Chunk = 50_000;
        for (var from = 0; from < itemCount; from += Chunk)
        {
            // Text features of the chunk's items: a real text's own, or a noisy copy or a mixture of real ones.
            var n = Math.Min(Chunk, itemCount - from);
            var features = new float[n * width];
            Parallel.For(from, from + n, i =>
            {
                var source = i % m;
                ids[i] = i < m ? texts[i].Id : string.Create(CultureInfo.InvariantCulture, $"{texts[source].Id}#{i / m}");
                var random = new Random(i);
                var mix = kind == "mixtures" && i >= m;
                var other = mix ? (source + 1 + random.Next(m - 1)) % m : source;
                var w = mix ? random.NextDouble() : 1;
                for (var d = 0; d < width; d++)
                {
                    var own = baseFeatures[(source * width) + d];
                    features[((i - from) * width) + d] = i < m ? own : mix
                        ? (float)((w * own) + ((1 - w) * baseFeatures[(other * width) + d]))
                        : own + (float)(sigma * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
                }
            });

            // Through the model's item layer, as serving embeds a text, so each vector is one the model can serve.
            using (no_grad())
            {
                using var input = tensor(features, [n, width]);
                using var items = model.ItemVectors(input).cpu();
                items.data<float>().CopyTo(vectors.AsSpan((int)((long)from * dim), n * dim));
            }
        }

        return (ids, vectors, m);
    }

    private static (List<float[]> States, List<IReadOnlySet<string>> Seen) Users(Recommender recommender, List<List<string>> histories, Dictionary<string, int> rows)
    {
        var states = recommender.StartStates([.. histories.Select(_ => 0L)]).ToList();
        for (var round = 0; round < histories.Max(h => h.Count); round++)
        {
            var active = Enumerable.Range(0, histories.Count).Where(u => histories[u].Count > round).ToList();
            var next = recommender.Step([.. active.Select(u => states[u])], [.. active.Select(u => rows[histories[u][round]])], [.. active.Select(_ => (long)round + 1)]);
            for (var j = 0; j < active.Count; j++)
            {
                states[active[j]] = next[j];
            }
        }

        return (states, [.. histories.Select(h => (IReadOnlySet<string>)h.ToHashSet(StringComparer.Ordinal))]);
    }

    private static (List<(string ItemId, float Score)[]> Ranked, double UsersPerSecond) Score(ITopKScorer scorer, List<float[]> states, List<IReadOnlySet<string>> seen)
    {
        // Warm-up at the measured batch size, so that one-time costs of a first product of that shape are not timed.
        scorer.TopK(states.Take(Batch).ToList(), seen.Take(Batch).ToList(), K);
        var ranked = new List<(string, float)[]>();
        var clock = Stopwatch.StartNew();
        for (var from = 0; from < states.Count; from += Batch)
        {
            ranked.AddRange(scorer.TopK(states.Skip(from).Take(Batch).ToList(), seen.Skip(from).Take(Batch).ToList(), K));
        }

        return (ranked, states.Count / clock.Elapsed.TotalSeconds);
    }

    // Exact top 20s of distinct noisy vectors have no ties in practice, so a hit is plain membership.
    private static double Recall(List<(string ItemId, float Score)[]> exact, List<(string ItemId, float Score)[]> found) =>
        exact.Zip(found).Average(p => p.First.Length == 0 ? 1.0 : p.Second.Count(f => p.First.Any(e => e.ItemId == f.ItemId)) / (double)p.First.Length);

    /// <summary>A real processor serving the stored catalogue with usearch scoring: catalogue load (index build) time, interactions/s, memory.</summary>
    private static async Task<string> EndToEndAsync(string modelDir, ServeOptions services, string schema, Npgsql.NpgsqlDataSource data, List<List<string>> histories, int count, int threads, int candidates, int breadth, int connectivity, string indexPrecision)
    {
        var bootstrap = services.Kafka.BootstrapServers;
        var options = BenchTopics.FreshServeOptions(modelDir, bootstrap, services.Postgres.ConnectionString, schema, new ProcessingOptions { Device = "cpu", Threads = threads, TextCache = "", Scoring = "usearch", Candidates = candidates, SearchBreadth = breadth, IndexConnectivity = connectivity, IndexPrecision = indexPrecision });

        // The warm-up's users are ids of their own.
        var warmup = Math.Min(10_000, count / 10);
        List<InteractionOccurred> events = [.. RoundByRound(histories, "warm", warmup), .. RoundByRound(histories, "user", count)];

        var rssBefore = Rss();
        var processor = StreamingProcessor.Create(options, TextWriter.Null);
        using var stop = new CancellationTokenSource();
        var loadClock = Stopwatch.StartNew();
        var run = Task.Run(() => processor.RunAsync(stop.Token));
        try
        {
            while (!processor.Ready)
            {
                if (run.IsCompleted)
                {
                    await run;
                    throw new InvalidOperationException("the processor stopped");
                }

                await Task.Delay(100);
            }

            var loaded = loadClock.Elapsed.TotalSeconds;
            var rssLoaded = Rss();
            Console.WriteLine($"  processor: ready in {loaded:F0} s with {processor.Catalog.Count:N0} items (loaded from PostgreSQL, indexed); RSS {rssBefore / 1e6:N0} -> {rssLoaded / 1e6:N0} MB");
            using var producer = new KafkaProducer(KafkaSettings.Create(bootstrap).WithClientId("zesrec-bench-ann"));
            long peakRss = rssLoaded;

            // The warm-up (JIT, libtorch's and usearch's buffers) is not timed: a service pays it once, at start.
            await ProduceAsync(producer, options.Kafka.InteractionsTopic, events.Take(warmup));
            peakRss = Math.Max(peakRss, await WaitStoredAsync(data, options.Kafka.InteractionsTopic, warmup, run, null));
            Console.WriteLine($"  processor: {warmup:N0} warm-up interactions stored; load {Load()}");

            var cpu = CpuAccounting.Snapshot();
            var stages = StageTimes.Snapshot();
            var gc = GcStats.Snapshot();
            var clock = Stopwatch.StartNew();
            await ProduceAsync(producer, options.Kafka.InteractionsTopic, events.Skip(warmup));
            peakRss = Math.Max(peakRss, await WaitStoredAsync(data, options.Kafka.InteractionsTopic, events.Count, run, clock));
            var seconds = clock.Elapsed.TotalSeconds;
            var used = CpuAccounting.Snapshot();
            var rate = count / seconds;
            return string.Create(CultureInfo.InvariantCulture,
                $"End to end (zesrec serve's processor, Scoring usearch, {candidates} candidates, SearchBreadth {breadth}, IndexConnectivity {connectivity}, IndexPrecision {indexPrecision}): catalogue loaded from PostgreSQL and indexed in {loaded:N0} s; after {warmup:N0} warm-up interactions, {count:N0} interactions in {seconds:N1} s = {rate:N0}/s; resident memory {rssBefore / 1e6:N0} MB before the processor, {rssLoaded / 1e6:N0} MB loaded, {peakRss / 1e6:N0} MB at most; load at the end {Load()}\n")
                + $"  stages (mean per batch): {StageTimes.Describe(stages, StageTimes.Snapshot())}\n"
                + $"  CPU: {CpuAccounting.Describe(cpu, used, seconds)}; {count / CpuAccounting.Total(cpu, used):N0} interactions per CPU-second\n"
                + $"  garbage collection: {GcStats.Describe(gc, GcStats.Snapshot())}";
        }
        finally
        {
            await stop.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(60)).ContinueWith(_ => { }, TaskScheduler.Default);
            await processor.DisposeAsync();
        }
    }

    /// <summary>Office histories round by round, each user under several ids until there are <paramref name="count"/> interactions.</summary>
    private static IEnumerable<InteractionOccurred> RoundByRound(List<List<string>> histories, string prefix, int count)
    {
        var made = 0;
        var rounds = histories.Max(h => h.Count);
        for (var copy = 0; made < count; copy++)
        {
            for (var round = 0; made < count && round < rounds; round++)
            {
                for (var u = 0; u < histories.Count && made < count; u++)
                {
                    if (histories[u].Count > round)
                    {
                        made++;
                        yield return new InteractionOccurred(1, $"{prefix}{u}#{copy}", histories[u][round], null, round);
                    }
                }
            }
        }
    }

    private static async Task ProduceAsync(KafkaProducer producer, string topic, IEnumerable<InteractionOccurred> events)
    {
        foreach (var chunk in events.Chunk(10_000))
        {
            await Task.WhenAll(chunk.Select(i => producer.ProduceAsync(topic, i.UserId, EventJson.Serialize(i))));
        }
    }

    /// <summary>Waits until the processor has stored offsets past <paramref name="target"/> interactions; the largest RSS seen.</summary>
    private static async Task<long> WaitStoredAsync(Npgsql.NpgsqlDataSource data, string topic, int target, Task run, Stopwatch? progress)
    {
        long stored;
        long peakRss = 0;
        var lastReport = TimeSpan.Zero;
        while ((stored = await StoredAsync(data, topic)) < target)
        {
            if (run.IsCompleted)
            {
                throw new InvalidOperationException("the processor stopped");
            }

            peakRss = Math.Max(peakRss, Rss());
            if (progress is not null && progress.Elapsed - lastReport > TimeSpan.FromSeconds(10))
            {
                lastReport = progress.Elapsed;
                Console.WriteLine($"  processor: {stored:N0} of {target:N0} stored in {progress.Elapsed.TotalSeconds:F0} s; load {Load()}");
            }

            await Task.Delay(50);
        }

        return peakRss;
    }

    private static async Task<long> StoredAsync(Npgsql.NpgsqlDataSource data, string topic)
    {
        try
        {
            await using var command = data.CreateCommand("SELECT coalesce(sum(next_offset), 0) FROM input_offsets WHERE topic = $1");
            command.Parameters.AddWithValue(topic);
            return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.UndefinedTable)
        {
            return 0;
        }
    }

    private static string Load() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static long Rss()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
