using System.Diagnostics;
using System.Globalization;
using ZesRec.Data;
using ZesRec.Data.Events;
using ZesRec.Streaming.Hosting;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Observability;
using ZesRec.Streaming.Storage;

namespace ZesRec.Streaming.Bench;

/// <summary>
/// Bounded user state at scale: <c>users</c> synthetic users (user k replays the first <c>perUser</c> items of Games
/// history k mod H under its own id), sent round by round (every user's first interaction, then every user's second:
/// each user returns after all the others, so with a cap every return is read back from PostgreSQL), through one
/// processor capped at <c>maxUsers</c>, then through an uncapped one. Prints throughput, resident memory and users
/// held of each, and compares the final stored states of the two.
/// </summary>
public static class ScaleRun
{
    /// <summary>Sent ahead of what the processor has stored, at most: the development broker keeps ~5 MiB per partition.</summary>
    private const int Window = 30_000;

    public static async Task<int> RunAsync(string modelDir, string datasets, ServeOptions services, int users, int maxUsers, int perUser, string textCache, int threads, string command)
    {
        var startLoad = File.ReadAllText("/proc/loadavg");
        var items = BenchData.Load(datasets, 0, 0).Items;
        var known = items.Select(i => i.ItemId).ToHashSet(StringComparer.Ordinal);
        var histories = EventLogDataset.Load(Path.Combine(datasets, "games")).Interactions
            .Select(i => i with { UserId = "games:" + i.UserId, ItemId = "games:" + i.ItemId })
            .Where(i => known.Contains(i.ItemId))
            .GroupBy(i => i.UserId, StringComparer.Ordinal)
            .Select(g => g.OrderBy(i => i.OrderKey).Take(perUser).ToList())
            .Where(h => h.Count == perUser)
            .ToList();
        var events = new List<InteractionOccurred>(users * perUser);
        for (var round = 0; round < perUser; round++)
        {
            for (var k = 0; k < users; k++)
            {
                var e = histories[k % histories.Count][round];
                events.Add(e with { UserId = string.Create(CultureInfo.InvariantCulture, $"{e.UserId}#{k / histories.Count}") });
            }
        }

        Console.WriteLine($"{users:N0} users x {perUser} interactions = {events.Count:N0} events over {histories.Count:N0} Games histories; catalogue {items.Count:N0} items; cap {maxUsers:N0} users");
        await using var admin = StoreDataSource.Create(services.Postgres.ConnectionString);
        var capped = await RunOnceAsync(modelDir, services, admin, items, events, maxUsers, textCache, threads);
        var uncapped = await RunOnceAsync(modelDir, services, admin, items, events, 0, textCache, threads);
        var comparison = await CompareAsync(admin, capped.Schema, uncapped.Schema);
        foreach (var schema in new[] { capped.Schema, uncapped.Schema })
        {
            await using var drop = admin.CreateCommand($"DROP SCHEMA \"{schema}\" CASCADE");
            await drop.ExecuteNonQueryAsync();
        }

        Console.WriteLine();
        Console.WriteLine($"Command: `{command}`  ");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, load average at start {string.Join(' ', startLoad.Split(' ').Take(3))}; model {Path.GetFileName(modelDir)}; {events.Count:N0} interactions of {users:N0} users");
        Console.WriteLine();
        Console.WriteLine("| run | interactions/s | users held, most | live managed memory before / at the end | resident memory before / most | evicted | read back |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, r) in new[] { ($"cap {maxUsers:N0}", capped), ("uncapped", uncapped) })
        {
            Console.WriteLine($"| {name} | {r.Rate:N0} | {r.PeakUsers:N0} | {r.BaseLive / 1e6:N0} / {r.Live / 1e6:N0} MB | {r.BaseRss / 1e6:N0} / {r.PeakRss / 1e6:N0} MB | {r.Evicted:N0} | {r.Loaded:N0} |");
        }

        Console.WriteLine();
        Console.WriteLine($"capped / uncapped throughput: {capped.Rate / uncapped.Rate:P0}; final states: {comparison}");
        return 0;
    }

    private static async Task<Run> RunOnceAsync(string modelDir, ServeOptions services, Npgsql.NpgsqlDataSource admin, IReadOnlyList<ItemCreated> items, List<InteractionOccurred> events, int maxUsers, string textCache, int threads)
    {
        var schema = $"bench_{Guid.NewGuid():N}";
        await using (var create = admin.CreateCommand($"CREATE SCHEMA \"{schema}\""))
        {
            await create.ExecuteNonQueryAsync();
        }

        var bootstrap = services.Kafka.BootstrapServers;
        var options = BenchTopics.FreshServeOptions(modelDir, bootstrap, services.Postgres.ConnectionString, schema, new ProcessingOptions { Device = "cpu", Threads = threads, TextCache = textCache, MaxUsers = maxUsers });

        await using var data = StoreDataSource.Create(services.Postgres.ConnectionString + $";Search Path={schema}");
        var processor = StreamingProcessor.Create(options, TextWriter.Null);
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => processor.RunAsync(stop.Token));
        try
        {
            await Until(() => processor.Ready || run.IsCompleted, TimeSpan.FromMinutes(2), "the processor did not become ready");
            using var producer = new KafkaProducer(KafkaSettings.Create(bootstrap).WithClientId("zesrec-bench-scale"));
            await Task.WhenAll(items.Select(i => producer.ProduceAsync(options.Kafka.ItemsTopic, i.ItemId, EventJson.Serialize(i))));
            await Until(() => processor.Catalog.Count >= items.Count, TimeSpan.FromMinutes(10), "the catalogue did not load");
            var baseLive = GC.GetTotalMemory(forceFullCollection: true);
            var baseRss = Rss();
            var evictedBefore = ZesRecMetrics.UsersEvicted.Value;
            var loadedBefore = ZesRecMetrics.UsersLoaded.Value;
            long peakRss = baseRss;
            var peakUsers = 0.0;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peakRss = Math.Max(peakRss, Rss());
                    peakUsers = Math.Max(peakUsers, ZesRecMetrics.UsersInMemory.Value);
                    await Task.Delay(200, CancellationToken.None);
                }
            });

            var clock = Stopwatch.StartNew();
            var lastReport = TimeSpan.Zero;
            long stored = 0;
            for (var sent = 0; sent < events.Count;)
            {
                stored = await StoredAsync(data, options.Kafka.InteractionsTopic);
                if (sent - stored >= Window)
                {
                    await Task.Delay(50);
                }
                else
                {
                    var chunk = events.Skip(sent).Take(Window / 3).ToList();
                    await Task.WhenAll(chunk.Select(i => producer.ProduceAsync(options.Kafka.InteractionsTopic, i.UserId, EventJson.Serialize(i))));
                    sent += chunk.Count;
                }

                if (clock.Elapsed - lastReport > TimeSpan.FromSeconds(10))
                {
                    lastReport = clock.Elapsed;
                    Console.WriteLine($"  cap {maxUsers:N0}: {stored:N0} of {events.Count:N0} stored in {clock.Elapsed.TotalSeconds:F0} s; {ZesRecMetrics.UsersInMemory.Value:N0} users held; RSS {Rss() / 1e6:N0} MB");
                }
            }

            while ((stored = await StoredAsync(data, options.Kafka.InteractionsTopic)) < events.Count)
            {
                if (run.IsCompleted)
                {
                    throw new InvalidOperationException("the processor stopped");
                }

                await Task.Delay(50);
            }

            var rate = events.Count / clock.Elapsed.TotalSeconds;
            await sampling.CancelAsync();
            await sampler;

            // Live managed memory with the processor's users still held: what the users cost, without the garbage
            // and libtorch buffers that resident memory also counts.
            var live = GC.GetTotalMemory(forceFullCollection: true);
            Console.WriteLine($"  cap {maxUsers:N0}: {events.Count:N0} in {clock.Elapsed.TotalSeconds:F1} s = {rate:F0}/s; users held at most {peakUsers:N0}; RSS {baseRss / 1e6:N0} MB before, {peakRss / 1e6:N0} MB at most; live managed {baseLive / 1e6:N0} MB before, {live / 1e6:N0} MB at the end");
            return new Run(schema, rate, (int)peakUsers, baseRss, peakRss, baseLive, live, ZesRecMetrics.UsersEvicted.Value - evictedBefore, ZesRecMetrics.UsersLoaded.Value - loadedBefore);
        }
        finally
        {
            await stop.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(60)).ContinueWith(_ => { }, TaskScheduler.Default);
            await processor.DisposeAsync();
        }
    }

    /// <summary>Users, users whose stored state or bookkeeping differs, the largest state difference, and each run's checksum.</summary>
    private static async Task<string> CompareAsync(Npgsql.NpgsqlDataSource admin, string a, string b)
    {
        var sql = $"""
            SELECT count(*),
                   count(*) FILTER (WHERE x.user_id IS NULL OR y.user_id IS NULL),
                   count(*) FILTER (WHERE x.history <> y.history OR x.interactions <> y.interactions OR x.last_offset <> y.last_offset OR x.last_order_key <> y.last_order_key),
                   count(*) FILTER (WHERE x.state <> y.state)
            FROM "{a}".user_states x FULL JOIN "{b}".user_states y ON x.user_id = y.user_id
            """;
        // Over a million users each of these takes longer than Npgsql's default 30 s command timeout; the checksum is
        // of per-user digests, since one text of a million states would pass PostgreSQL's 1 GB limit.
        await using var command = admin.CreateCommand(sql);
        command.CommandTimeout = 0;
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (users, missing, bookkeeping, states) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        await reader.DisposeAsync();
        await using var diff = admin.CreateCommand($"""
            SELECT coalesce(max(abs(u.p - u.q)), 0) FROM
              (SELECT x.state s, y.state t FROM "{a}".user_states x JOIN "{b}".user_states y USING (user_id) WHERE x.state <> y.state LIMIT 20000) d,
              unnest(d.s, d.t) AS u(p, q)
            """);
        diff.CommandTimeout = 0;
        var largest = Convert.ToDouble(await diff.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        var sums = new List<string>();
        foreach (var schema in new[] { a, b })
        {
            await using var sum = admin.CreateCommand($"SELECT md5(string_agg(md5(user_id || ':' || interactions || ':' || last_offset || ':' || array_to_string(history, ',') || ':' || state::text), '' ORDER BY user_id)) FROM \"{schema}\".user_states");
            sum.CommandTimeout = 0;
            sums.Add((string)(await sum.ExecuteScalarAsync())!);
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"{users:N0} users, {missing} in one run only, {bookkeeping} with another history, count or offset, {states} with another state vector (largest difference {largest:G3}); checksums {sums[0]} (capped), {sums[1]} (uncapped)");
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

    private static long Rss()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private static async Task Until(Func<bool> condition, TimeSpan within, string failure)
    {
        var deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(failure);
            }

            await Task.Delay(20);
        }
    }

    private sealed record Run(string Schema, double Rate, int PeakUsers, long BaseRss, long PeakRss, long BaseLive, long Live, double Evicted, double Loaded);
}
