using System.Diagnostics;
using Npgsql;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Tests.Fixtures;
using Xunit.Abstractions;

namespace ZesRec.Streaming.Tests;

/// <summary>
/// A zombie member: two `zesrec serve` processes in one group; a is frozen (SIGSTOP) with a flush on its way, past the
/// session timeout, b takes a's partitions over and advances them, then a runs on (SIGCONT). a's stale flush must be
/// refused (zesrec_store_fenced_flushes_total), a rejoins, and the end states equal a single uninterrupted run's.
/// </summary>
[Collection(ProcessCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class ProcessorFencingTests(KafkaService kafka, PostgresService postgres, ProcessorHarness harness, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Zombie_flush_should_be_refused_and_the_states_should_equal_a_single_run_when_a_paused_member_wakes_up()
    {
        // Given the tiny Office replay in three parts, and the states a single processor ends with
        var clock = Stopwatch.StartNew();
        var interactions = harness.Target.Interactions.OrderBy(i => i.OrderKey).ToList();
        var parts = new[] { interactions[..500], interactions[500..1000], interactions[1000..] };
        await using var single = await postgres.CreateSchemaAsync("fence_single");
        await using var pair = await postgres.CreateSchemaAsync("fence_pair");
        var singleTopics = Topics.Fresh(kafka);
        var pairTopics = Topics.Fresh(kafka);
        using var producer = new KafkaProducer(kafka.Settings("fence-producer"));
        await using (var run = await RunningProcessor.StartAsync(harness.Options(kafka.Bootstrap, postgres.ConnectionString, single.Name, singleTopics, KafkaService.FreshGroup("fence-single"))))
        {
            await ProcessorHarness.PublishItemsAsync(producer, singleTopics.Items, harness.Target.Items);
            Assert.True(await Eventually.HoldsAsync(() => run.Processor.Catalog.Count == harness.Target.Items.Count, Patience));
            await ProcessorHarness.PublishInteractionsAsync(producer, singleTopics.Interactions, interactions);
            Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(single.DataSource, singleTopics.Interactions) == interactions.Count, Patience));
        }

        // And two members with a 3 s session timeout that applied the first part between them
        var group = KafkaService.FreshGroup("fence-pair");
        var settings = new Dictionary<string, string> { ["Kafka:SessionTimeoutMs"] = "3000" };
        using var a = ServeProcess.Start(harness, kafka.Bootstrap, postgres.ConnectionString + ";Application Name=zesrec-a", pair.Name, pairTopics, group, "a", settings: settings);
        using var b = ServeProcess.Start(harness, kafka.Bootstrap, postgres.ConnectionString + ";Application Name=zesrec-b", pair.Name, pairTopics, group, "b", settings: settings);
        await ProcessorHarness.PublishItemsAsync(producer, pairTopics.Items, harness.Target.Items);
        Assert.True(await Eventually.HoldsAsync(async () => await a.MetricAsync("zesrec_ready") == 1 && await b.MetricAsync("zesrec_ready") == 1
            && await a.MetricAsync("zesrec_catalog_items") == harness.Target.Items.Count && await b.MetricAsync("zesrec_catalog_items") == harness.Target.Items.Count, Patience),
            $"both never ready; a:\n{a.Tail()}\nb:\n{b.Tail()}");
        await ProcessorHarness.PublishInteractionsAsync(producer, pairTopics.Interactions, parts[0]);
        Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(pair.DataSource, pairTopics.Interactions) == parts[0].Count, Patience));
        Assert.True(await a.MetricAsync("zesrec_users_in_memory") > 0, "a holds no partition with users");

        // When a's flush of the second part is on its way (held at its first statement by a lock the test takes) and a freezes
        await using (var hold = await pair.DataSource.OpenConnectionAsync())
        {
            await using var transaction = await hold.BeginTransactionAsync();
            await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM schema_version FOR UPDATE", hold, transaction))
            {
                await lockRow.ExecuteNonQueryAsync();
            }

            await ProcessorHarness.PublishInteractionsAsync(producer, pairTopics.Interactions, parts[1]);
            Assert.True(await Eventually.HoldsAsync(() => WaitingFlushes(pair.DataSource, "zesrec-a") > 0, Patience), $"a never flushed; a:\n{a.Tail()}");
            a.Pause();
            await transaction.RollbackAsync();
        }

        // And b takes a's partitions over once a's session times out, and applies the second part alone
        Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(pair.DataSource, pairTopics.Interactions) == parts[0].Count + parts[1].Count, Patience),
            $"b never caught up; b:\n{b.Tail()}");
        var takenOver = clock.Elapsed;

        // And a wakes up, then the third part streams in
        a.Resume();
        Assert.True(await Eventually.HoldsAsync(async () => await a.MetricAsync("zesrec_store_fenced_flushes_total") >= 1, Patience), $"a's flush was not refused; a:\n{a.Tail()}");
        await ProcessorHarness.PublishInteractionsAsync(producer, pairTopics.Interactions, parts[2]);
        Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(pair.DataSource, pairTopics.Interactions) == interactions.Count, Patience));
        Assert.True(await Eventually.HoldsAsync(async () => await a.MetricAsync("zesrec_ready") == 1, Patience), $"a never rejoined; a:\n{a.Tail()}");
        output.WriteLine($"b caught up at {takenOver.TotalSeconds:0.0} s; done at {clock.Elapsed.TotalSeconds:0.0} s; fenced flushes of a: {await a.MetricAsync("zesrec_store_fenced_flushes_total")}");

        // Then the pair's states are the single run's: each interaction applied once, a's stale flush nowhere
        var expected = await ProcessorStore.StatesAsync(single.DataSource);
        var actual = await ProcessorStore.StatesAsync(pair.DataSource);
        ProcessorStore.AssertSameStates(expected, actual);
        Assert.Equal(interactions.Count, actual.Values.Sum(r => r.Interactions));
        Assert.Equal(0d, await b.MetricAsync("zesrec_store_fenced_flushes_total"));
    }

    private static long WaitingFlushes(NpgsqlDataSource dataSource, string application)
    {
        using var command = dataSource.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = application });
        return (long)command.ExecuteScalar()!;
    }
}
