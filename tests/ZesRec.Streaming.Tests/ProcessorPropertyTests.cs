using System.Diagnostics;
using System.Net;
using Confluent.Kafka;
using CsCheck;
using ZesRec.Data.Events;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Observability;
using ZesRec.Streaming.Tests.Fixtures;
using Xunit.Abstractions;

namespace ZesRec.Streaming.Tests;

/// <summary>
/// Generated hostile events mixed into a valid replay, against a real processor, broker and database: every
/// generated event must end as exactly one recommendation, stored item or dead letter, the valid users' states must
/// equal those of a run without the generated events, and the processor must be ready at the end. The seed is
/// printed; ZESREC_PROPERTY_SEED=SEED reruns the same events.
/// </summary>
[Collection(ProcessorCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class ProcessorPropertyTests(KafkaService kafka, PostgresService postgres, ProcessorHarness harness, ITestOutputHelper output)
{
    /// <summary>Sized to keep the test within about a minute and a half on two cores.</summary>
    private const int Generated = 1_500;

    private const int ValidInteractions = 1_000;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task Every_generated_event_should_end_as_one_outcome_and_leave_valid_users_as_a_clean_run_does()
    {
        // Given a valid replay and generated events from a printed seed
        var seed = Environment.GetEnvironmentVariable("ZESREC_PROPERTY_SEED") is { Length: > 0 } given ? PCG.Parse(given) : new PCG(1, PCG.ThreadPCG.Next64());
        output.WriteLine($"seed {seed} (rerun with ZESREC_PROPERTY_SEED={seed})");
        var valid = harness.Target.Interactions.Take(ValidInteractions).ToList();
        var generated = GeneratedEvents.Draw(seed, Generated, valid, [.. harness.Target.Items.Select(i => i.ItemId)]);
        using var producer = new KafkaProducer(kafka.Settings("property-producer"));

        // When the valid replay is served alone, and again with the generated events mixed in
        var clean = await ServeAsync("clean", valid, [], producer);
        var dirty = await ServeAsync("dirty", valid, generated, producer);

        // Then every generated event has exactly one outcome: a recommendation or a dead letter (interactions), a
        // stored item or a dead letter (items)
        var lettered = dirty.Letters.GroupBy(l => (l.SourceTopic, l.SourcePartition, l.SourceOffset)).ToDictionary(g => g.Key, g => g.First());
        var recommended = dirty.Recommendations.Select(r => (r.SourceTopic, r.SourcePartition, r.SourceOffset)).ToHashSet();
        var lost = new List<string>();
        var both = 0;
        foreach (var (message, at) in dirty.Generated)
        {
            var letter = lettered.ContainsKey(at);
            var applied = message.Topic == "items" ? dirty.StoredItems.Contains(ItemId(message) ?? "") : recommended.Contains(at);
            both += letter && applied && message.Topic != "items" ? 1 : 0;
            if (!letter && !applied)
            {
                lost.Add($"{message.Kind} at {at}: {System.Text.Encoding.UTF8.GetString(message.Value[..Math.Min(160, message.Value.Length)])}");
            }
        }

        output.WriteLine($"generated {generated.Count} events ({generated.Count(m => m.Topic == "items")} items, {generated.Count(m => m.Topic == "interactions")} interactions) "
            + $"among {valid.Count} valid interactions; all outcomes in {dirty.Seconds:0.0} s (clean run {clean.Seconds:0.0} s); restarts {dirty.Restarts}");
        output.WriteLine($"recommendations {recommended.Count(r => dirty.Generated.Any(g => g.At == r))} of generated, items stored {dirty.Generated.Count(g => g.Message.Topic == "items" && !lettered.ContainsKey(g.At))}");
        foreach (var group in lettered.Values.GroupBy(l => (l.SourceTopic.Contains(".items.", StringComparison.Ordinal) ? "items" : "interactions", l.ReasonCode)).OrderBy(g => g.Key))
        {
            output.WriteLine($"{group.Key.Item1,-13} {group.Key.ReasonCode,-22} {group.Count(),5}");
        }

        Assert.True(lost.Count == 0, $"{lost.Count} generated events have no outcome, e.g.\n{string.Join("\n", lost.Take(5))}");
        Assert.Equal(0, both);
        Assert.Equal(dirty.Letters.Count, lettered.Count);
        Assert.Equal(dirty.Recommendations.Count, dirty.Recommendations.Select(r => r.EventId).Distinct().Count());

        // And the valid users' states equal the clean run's
        var validUsers = valid.Select(v => v.UserId).ToHashSet();
        ProcessorStore.AssertSameStates(clean.States, dirty.States.Where(s => validUsers.Contains(s.Key)).ToDictionary());

        // And the processor answered /ready with 200 at the end
        Assert.Equal(HttpStatusCode.OK, dirty.ReadyStatus);
        Assert.Equal(HttpStatusCode.OK, clean.ReadyStatus);
    }

    private static string? ItemId(GeneratedEvents.Message message)
    {
        var parsed = new EventParser().ParseItem(message.Value);
        return parsed.IsValid ? parsed.Event.ItemId : null;
    }

    private async Task<Served> ServeAsync(string name, List<InteractionOccurred> valid, List<GeneratedEvents.Message> generated, KafkaProducer producer)
    {
        await using var schema = await postgres.CreateSchemaAsync("property_" + name);
        var topics = Topics.Fresh(kafka);
        await using var run = await RunningProcessor.StartAsync(harness.Options(kafka.Bootstrap, postgres.ConnectionString, schema.Name, topics, KafkaService.FreshGroup("property-" + name)));
        var restartsBefore = ZesRecMetrics.Restarts.Value;
        var clock = Stopwatch.StartNew();

        // Items first (real ones, then generated ones), then the interactions with the generated ones spread among them.
        await ProcessorHarness.PublishItemsAsync(producer, topics.Items, harness.Target.Items);
        var published = new List<(GeneratedEvents.Message Message, (string, int, long) At)>();
        published.AddRange(await PublishAsync(producer, topics, generated.Where(m => m.Topic == "items").ToList()));
        var itemEvents = harness.Target.Items.Count + generated.Count(m => m.Topic == "items");
        Assert.True(
            await Eventually.HoldsAsync(() => ItemOffsets(schema, topics) == itemEvents, Patience),
            $"item offsets reached {ItemOffsets(schema, topics)} of {itemEvents}");

        var fuzz = generated.Where(m => m.Topic == "interactions").ToList();
        var mixed = new List<GeneratedEvents.Message>();
        var validMessages = valid.Select(v => new GeneratedEvents.Message("interactions", v.UserId, EventJson.Serialize(v), "valid")).ToList();
        for (int v = 0, f = 0; v < validMessages.Count || f < fuzz.Count;)
        {
            // Spread evenly: the share of each kind stays the same through the replay.
            if (f >= fuzz.Count || (v < validMessages.Count && (long)v * fuzz.Count <= (long)f * validMessages.Count))
            {
                mixed.Add(validMessages[v++]);
            }
            else
            {
                mixed.Add(fuzz[f++]);
            }
        }

        var sent = await PublishAsync(producer, topics, mixed);
        published.AddRange(sent.Where(s => s.Message.Kind != "valid"));
        Assert.True(
            await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(schema.DataSource, topics.Interactions) == mixed.Count, Patience),
            $"interaction offsets reached {ProcessorStore.OffsetSum(schema.DataSource, topics.Interactions)} of {mixed.Count}");
        var seconds = clock.Elapsed.TotalSeconds;

        var letters = ReadToEnd(topics.DeadLetter).Select(r => EventJson.DeserializeDeadLetter(r.Message.Value)).ToList();
        var recommendations = ReadToEnd(topics.Recommendations).Select(r => EventJson.DeserializeRecommendation(r.Message.Value)).ToList();
        var stored = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = schema.DataSource.CreateCommand("SELECT item_id FROM items"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stored.Add(reader.GetString(0));
            }
        }

        var ready = await ReadyAsync(run.Processor.MetricsPort);
        return new Served(published, letters, recommendations, stored, await ProcessorStore.StatesAsync(schema.DataSource), seconds, ZesRecMetrics.Restarts.Value - restartsBefore, ready);
    }

    private static async Task<HttpStatusCode> ReadyAsync(int port)
    {
        var status = HttpStatusCode.ServiceUnavailable;
        await Eventually.HoldsAsync(
            async () =>
            {
                using var response = await Http.GetAsync($"http://127.0.0.1:{port}/ready");
                status = response.StatusCode;
                return status == HttpStatusCode.OK;
            },
            TimeSpan.FromSeconds(30));
        return status;
    }

    private static long ItemOffsets(ScratchSchema schema, Topics topics) => ProcessorStore.OffsetSum(schema.DataSource, $"{topics.Items}@test");

    private static async Task<List<(GeneratedEvents.Message Message, (string, int, long) At)>> PublishAsync(KafkaProducer producer, Topics topics, List<GeneratedEvents.Message> messages)
    {
        var results = await Task.WhenAll(messages.Select(m => producer.ProduceAsync(m.Topic == "items" ? topics.Items : topics.Interactions, m.Key, m.Value)));
        return [.. results.Zip(messages, (r, m) => (m, (r.Topic, r.Partition.Value, r.Offset.Value)))];
    }

    /// <summary>Every message of a topic, read until each partition reported its end.</summary>
    private List<ConsumeResult<string?, byte[]>> ReadToEnd(string topic)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = kafka.Bootstrap,
            GroupId = KafkaService.FreshGroup("property-read"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        };
        using var consumer = new ConsumerBuilder<string?, byte[]>(config).Build();
        consumer.Subscribe(topic);
        var read = new List<ConsumeResult<string?, byte[]>>();
        var ended = new HashSet<int>();
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline && (consumer.Assignment.Count == 0 || ended.Count < consumer.Assignment.Count))
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r is null)
            {
                continue;
            }

            if (r.IsPartitionEOF)
            {
                ended.Add(r.Partition.Value);
            }
            else
            {
                ended.Remove(r.Partition.Value);
                read.Add(r);
            }
        }

        consumer.Close();
        return read;
    }

    private sealed record Served(
        List<(GeneratedEvents.Message Message, (string Topic, int Partition, long Offset) At)> Generated,
        List<DeadLetter> Letters,
        List<RecommendationPublished> Recommendations,
        HashSet<string> StoredItems,
        Dictionary<string, (float[] State, string[] History, long Interactions)> States,
        double Seconds,
        double Restarts,
        HttpStatusCode ReadyStatus);
}
