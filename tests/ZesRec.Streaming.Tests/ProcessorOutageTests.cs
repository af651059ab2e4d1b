using System.Diagnostics;
using System.Globalization;
using System.Net;
using Npgsql;
using ZesRec.Data.Import;
using ZesRec.Data.Events;
using ZesRec.Streaming.Hosting;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Storage;
using ZesRec.Streaming.Tests.Fixtures;
using Xunit.Abstractions;

namespace ZesRec.Streaming.Tests;

/// <summary>
/// PostgreSQL stopped for 30 s, then the Kafka broker restarted, both while interactions stream in: the processor
/// retries with a capped back-off, /ready says which dependency is down, and after each recovery it catches up with
/// every interaction applied exactly once and every recommendation published. The outages hit a PostgreSQL cluster
/// and a development broker of this test's own; the shared services only hold the uninterrupted reference run.
/// </summary>
[Collection(ProcessorCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class ProcessorOutageTests(KafkaService kafka, PostgresService postgres, ProcessorHarness harness, ITestOutputHelper output)
{
    private const int Interactions = 7_000;
    private const int PerSecond = 100;
    private const int TopK = 5;
    private static readonly TimeSpan PostgresOutage = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan BrokerOutage = TimeSpan.FromSeconds(10);

    // PostgreSQL is probed every 0.5 s and the consumers report a lost broker at once; 3 s leaves room for a busy box.
    private static readonly TimeSpan DetectionGrace = TimeSpan.FromSeconds(3);

    // Back-off capped at 5 s, then the catalogue load and the group join: a few seconds. A database that has just
    // restarted answers its first queries slowly (the catalogue load alone took 10 s once on the 2-core reference
    // machine, and one probe timed out after it), so the bound leaves room for that, well below the recovery limit.
    private static readonly TimeSpan ReadyWithin = TimeSpan.FromSeconds(25);
    private static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Processor_should_report_outages_and_catch_up_with_nothing_lost_when_postgres_stops_and_the_broker_restarts()
    {
        // Given 7,000 real Office interactions and the user states an uninterrupted run ends with
        var office = DatasetImporters.Import("rechorus", RepoPaths.SharedData("amazon2014-office"), "office").Dataset;
        var interactions = office.Interactions.OrderBy(i => i.OrderKey).Take(Interactions).ToList();
        var reference = await UninterruptedStatesAsync(office, interactions);

        // And a processor on a PostgreSQL cluster and a broker of its own, with the catalogue loaded
        await using var database = await PrivatePostgres.StartAsync();
        await using var broker = await PrivateKafkaBroker.StartAsync();
        var topics = new Topics("zesrec.items", "zesrec.interactions", "zesrec.recommendations", "zesrec.deadletter");
        using var producer = new KafkaProducer(KafkaSettings.Create(broker.Bootstrap).WithClientId("outage-producer"));
        await ProcessorHarness.PublishItemsAsync(producer, topics.Items, office.Items);
        var options = harness.Options(broker.Bootstrap, database.ConnectionString, "", topics, "outage");
        options.Processing.TopK = TopK;
        var clock = Stopwatch.StartNew();
        var log = new TimedLog(clock);
        await using var store = StoreDataSource.Create(database.ConnectionString);
        await using var processor = StreamingProcessor.Create(options, log);
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => processor.RunAsync(stop.Token));
        var publisher = new PacedPublisher(producer, topics.Interactions, interactions, PerSecond);
        Outage databaseOutage, brokerOutage;
        IReadOnlyList<Confluent.Kafka.TopicPartitionOffset> delivered;
        bool finished;
        TimeSpan total;
        await using (var readiness = new ReadinessTimeline(processor, clock))
        {
            try
            {
                Assert.True(await Eventually.HoldsAsync(() => processor.Catalog.Count == office.Items.Count && processor.Ready, Patience), "processor never became ready");

                // When interactions stream in at 100 a second
                var publishing = publisher.RunAsync(stop.Token);
                Assert.True(await Eventually.HoldsAsync(() => publisher.Sent >= Interactions / 7, Patience));

                // And PostgreSQL is stopped for 30 s mid-stream
                databaseOutage = await OutageAsync(clock, database.DownAsync, PostgresOutage, database.UpAsync, publisher, store, topics.Interactions, readiness);

                // And the broker restarts mid-stream: down 10 s, its data kept
                brokerOutage = await OutageAsync(clock, broker.PauseAsync, BrokerOutage, broker.ResumeAsync, publisher, store, topics.Interactions, readiness);

                await publishing;
                delivered = await publisher.DeliveredAsync();
                finished = await Eventually.HoldsAsync(() => OffsetSum(store, topics.Interactions) >= Interactions, Patience);
                total = clock.Elapsed;
            }
            finally
            {
                await stop.CancelAsync();
                await run.WaitAsync(TimeSpan.FromSeconds(60));
                foreach (var (at, line) in log.Lines)
                {
                    output.WriteLine($"[{at.TotalSeconds,6:0.0} s] {line}");
                }
            }
        }

        var states = await ProcessorStore.StatesAsync(store);
        var published = TopicReader.RecommendationIds(broker.Bootstrap, topics.Recommendations, Interactions);
        var repeated = published.Count - published.Distinct().Count();
        var retries = log.Lines.Where(l => l.At > databaseOutage.Down && l.At < databaseOutage.Back && l.Line.Contains("; restart ", StringComparison.Ordinal)).Select(l => l.At).ToList();
        output.WriteLine(
            $"""
             PostgreSQL stopped at {Seconds(databaseOutage.Down)} for {PostgresOutage.TotalSeconds:0} s with {databaseOutage.AppliedBefore:N0} interactions applied; accepting connections again at {Seconds(databaseOutage.Back)} (postgres.sh up took {Seconds(databaseOutage.UpTook)})
               restarts logged while it was down: {retries.Count} at {string.Join(", ", retries.Select(r => Seconds(r)))}
               /ready 200 again after {Seconds(databaseOutage.Ready)}, caught up ({databaseOutage.Target:N0} published) after {Seconds(databaseOutage.CaughtUp)}
             broker down at {Seconds(brokerOutage.Down)} for {BrokerOutage.TotalSeconds:0} s with {brokerOutage.AppliedBefore:N0} interactions applied; back at {Seconds(brokerOutage.Back)} (kafka.sh resume took {Seconds(brokerOutage.UpTook)})
               /ready 200 again after {Seconds(brokerOutage.Ready)}, caught up ({brokerOutage.Target:N0} published) after {Seconds(brokerOutage.CaughtUp)}
             all {Interactions:N0} interactions applied at {Seconds(total)}; recommendations published: {published.Count:N0} ({repeated:N0} repeated)
             /ready while PostgreSQL was down: {Answers(databaseOutage.While)}
             /ready while the broker was down: {Answers(brokerOutage.While)}
             /ready after PostgreSQL was back, until ready for good: {Answers(databaseOutage.After)}
             /ready after the broker was back, until ready for good: {Answers(brokerOutage.After)}
             """);
        Assert.True(finished, $"stored offsets reached {OffsetSum(store, topics.Interactions)} of {Interactions}");
        Assert.InRange(databaseOutage.AppliedBefore, 1, Interactions - 1);
        Assert.InRange(brokerOutage.AppliedBefore, databaseOutage.AppliedBefore + 1, Interactions - 1);

        // Then while PostgreSQL was down, /ready answered 503 naming it
        Assert.NotEmpty(databaseOutage.While);
        Assert.All(databaseOutage.While, s => Assert.True(s.Status == HttpStatusCode.ServiceUnavailable && s.Body.Contains("PostgreSQL unreachable", StringComparison.Ordinal), $"{s.At}: {s.Status} {s.Body}"));

        // And the streams were restarted with a back-off of at most 5 s, each retry logged
        Assert.True(retries.Count >= 5, $"{retries.Count} restarts logged during the 30 s database outage");
        Assert.All(retries.Zip(retries.Skip(1)), p => Assert.True(p.Second - p.First < StreamingProcessor.MaxBackoff + TimeSpan.FromSeconds(3), $"restarts at {p.First} and {p.Second}"));

        // And while the broker was down, /ready answered 503 naming Kafka, and the log said so
        Assert.NotEmpty(brokerOutage.While);
        Assert.All(brokerOutage.While, s => Assert.True(s.Status == HttpStatusCode.ServiceUnavailable && s.Body.Contains("Kafka unreachable", StringComparison.Ordinal), $"{s.At}: {s.Status} {s.Body}"));
        Assert.Contains(log.Lines, l => l.At > brokerOutage.Down && l.At < brokerOutage.Back && l.Line.Contains("Kafka unreachable", StringComparison.Ordinal));

        // And after each recovery the processor was ready again within seconds and caught up
        foreach (var outage in new[] { databaseOutage, brokerOutage })
        {
            Assert.True(outage.Ready is { } ready && ready < ReadyWithin, $"/ready 200 {Seconds(outage.Ready)} after the dependency came back");
            Assert.True(outage.CaughtUp is not null, $"not caught up {Seconds(RecoveryLimit)} after the dependency came back");
        }

        // And every interaction was applied exactly once: the states equal the uninterrupted run's
        Assert.Equal(Interactions, delivered.Count);
        Assert.Equal(Interactions, OffsetSum(store, topics.Interactions));
        Assert.Equal(reference.Keys.Order(), states.Keys.Order());
        Assert.Equal(Interactions, states.Values.Sum(r => r.Interactions));
        foreach (var (user, row) in reference)
        {
            Assert.Equal(row.History, states[user].History);
            Assert.Equal(row.Interactions, states[user].Interactions);
            Assert.True(row.State.Zip(states[user].State).All(p => Math.Abs(p.First - p.Second) < 1e-4), $"state of {user} differs");
        }

        // And every interaction has its recommendation, under the id of its Kafka coordinates (repeats allowed)
        var expected = delivered.Select(d => RecommendationPublished.EventIdFor(d.Topic, d.Partition.Value, d.Offset.Value)).ToHashSet();
        Assert.Equal(Interactions, expected.Count);
        Assert.Empty(expected.Except(published));
    }

    /// <summary>
    /// Takes a dependency down for <paramref name="length"/> while interactions keep coming, brings it back, then
    /// waits for the recovery (see <see cref="RecoverAsync"/>).
    /// </summary>
    private static async Task<Outage> OutageAsync(
        Stopwatch clock, Func<Task> down, TimeSpan length, Func<Task> up, PacedPublisher publisher, NpgsqlDataSource store, string topic, ReadinessTimeline readiness)
    {
        var appliedBefore = OffsetSum(store, topic);
        var downAt = clock.Elapsed;
        await down();
        await Task.Delay(length);
        var starting = clock.Elapsed;
        await up();
        var back = clock.Elapsed;
        store.Clear();
        var target = publisher.Sent;
        var (ready, caughtUp) = await RecoverAsync(clock, back, target, store, topic, readiness);
        return new Outage(
            appliedBefore, downAt, back, back - starting, target, ready - back, caughtUp - back,
            // "While down" ends when bringing the dependency back begins: during up() it may already answer, and the
            // processor may already be past it (e.g. checking the Kafka topics) before up() returns.
            readiness.Between(downAt + DetectionGrace, starting), readiness.Between(back, ready ?? back));
    }

    /// <summary>The states of a processor that runs through the same interactions on the shared services.</summary>
    private async Task<Dictionary<string, (float[] State, string[] History, long Interactions)>> UninterruptedStatesAsync(
        Data.EventLogDataset office, IReadOnlyList<Data.Events.InteractionOccurred> interactions)
    {
        await using var schema = await postgres.CreateSchemaAsync("outage_steady");
        var topics = Topics.Fresh(kafka);
        using var producer = new KafkaProducer(kafka.Settings("outage-steady-producer"));
        await ProcessorHarness.PublishItemsAsync(producer, topics.Items, office.Items);
        var options = harness.Options(kafka.Bootstrap, postgres.ConnectionString, schema.Name, topics, KafkaService.FreshGroup("outage-steady"));
        options.Processing.TopK = TopK;
        await using (var processor = StreamingProcessor.Create(options, TextWriter.Null))
        {
            using var stop = new CancellationTokenSource();
            var run = Task.Run(() => processor.RunAsync(stop.Token));
            // Interactions follow once the catalogue is stored (see ProcessorCrashTests).
            Assert.True(await Eventually.HoldsAsync(() => processor.Catalog.Count == office.Items.Count, Patience));
            await ProcessorHarness.PublishInteractionsAsync(producer, topics.Interactions, interactions);
            Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(schema.DataSource, topics.Interactions) == interactions.Count, Patience));
            await stop.CancelAsync();
            await run;
        }

        return await ProcessorStore.StatesAsync(schema.DataSource);
    }

    /// <summary>
    /// Waits until the interactions published by the time the dependency came back are all applied (and /ready has
    /// stayed 200 for 2 s), at most <see cref="RecoveryLimit"/>; returns when /ready turned 200 for good and when the
    /// backlog was applied (null when that did not happen).
    /// </summary>
    private static async Task<(TimeSpan? Ready, TimeSpan? CaughtUp)> RecoverAsync(Stopwatch clock, TimeSpan back, int target, NpgsqlDataSource store, string topic, ReadinessTimeline readiness)
    {
        TimeSpan? caughtUp = null;
        while (clock.Elapsed - back < RecoveryLimit)
        {
            if (caughtUp is null && OffsetSum(store, topic) >= target)
            {
                caughtUp = clock.Elapsed;
            }

            if (caughtUp is { } at && clock.Elapsed - at > TimeSpan.FromSeconds(2) && readiness.ReadyForGood(back, clock.Elapsed) is not null)
            {
                break;
            }

            await Task.Delay(100);
        }

        return (readiness.ReadyForGood(back, clock.Elapsed), caughtUp);
    }

    /// <summary>Interactions applied; -1 while the database does not answer.</summary>
    private static long OffsetSum(NpgsqlDataSource store, string topic)
    {
        try
        {
            return ProcessorStore.OffsetSum(store, topic);
        }
        catch (NpgsqlException)
        {
            store.Clear();
            return -1;
        }
    }

    private static string Answers(IReadOnlyList<ReadinessSample> samples) =>
        string.Join("; ", samples.GroupBy(s => $"{(int?)s.Status} \"{s.Body}\"").Select(g => $"{g.Key} x{g.Count()}"));

    private static string Seconds(TimeSpan? time) =>
        time is { } t ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.0} s") : "never";

    /// <summary>
    /// One outage: interactions applied before it, when it began and ended (test clock), how long bringing the
    /// dependency back took, the interactions published by then, the delays to /ready 200 and to caught up from the
    /// end, and the /ready answers during it (after the detection allowance) and until ready for good.
    /// </summary>
    private sealed record Outage(
        long AppliedBefore, TimeSpan Down, TimeSpan Back, TimeSpan UpTook, int Target, TimeSpan? Ready, TimeSpan? CaughtUp,
        IReadOnlyList<ReadinessSample> While, IReadOnlyList<ReadinessSample> After);
}
