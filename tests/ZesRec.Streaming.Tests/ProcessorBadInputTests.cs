using System.Diagnostics;
using Confluent.Kafka;
using ZesRec.Data.Events;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Tests.Fixtures;
using Xunit.Abstractions;

namespace ZesRec.Streaming.Tests;

/// <summary>
/// Ten thousand bad events of every kind mixed into a valid replay: each must be dead-lettered with the right
/// reason, the processor must keep going, and the valid events must give exactly the recommendations and states
/// they give without the bad ones.
/// </summary>
[Collection(ProcessorCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class ProcessorBadInputTests(KafkaService kafka, PostgresService postgres, ProcessorHarness harness, ITestOutputHelper output)
{
    private const int BadItems = 500;
    private const int BadInteractions = 9_500;
    private const int MaxTextLength = 1_000;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Ten_thousand_bad_events_should_be_dead_lettered_with_their_reasons_and_change_no_recommendation()
    {
        // Given the tiny Office replay, and the same replay with 10,000 bad events of every kind mixed in
        var mix = BadEventMix.Build(harness.Target.Items, harness.Target.Interactions, BadItems, BadInteractions, MaxTextLength, seed: 11);
        Assert.True(mix.BadCount >= 10_000);
        var valid = harness.Target.Interactions.Count;
        using var producer = new KafkaProducer(kafka.Settings("bad-input-producer"));

        // When each is served by its own processor
        var clean = await ServeAsync("clean", [.. mix.Items.Where(p => p.ExpectedCode is null)], [.. mix.Interactions.Where(p => p.ExpectedCode is null)], producer);
        var dirty = await ServeAsync("dirty", mix.Items, mix.Interactions, producer);
        output.WriteLine($"clean: {valid} interactions in {clean.Seconds:0.0} s; dirty: {valid} + {BadInteractions} bad interactions "
            + $"(+ {BadItems} bad items) in {dirty.Seconds:0.0} s");

        // Then every bad event is in the dead-letter topic once, with the reason code of its kind and a sentence
        Assert.Empty(clean.Letters);
        var expected = dirty.Published.Where(p => p.Planned.ExpectedCode is not null).ToDictionary(p => (p.Topic, p.Partition, p.Offset), p => p.Planned.ExpectedCode!);
        Assert.Equal(expected.Count, dirty.Letters.Count);
        var wrong = dirty.Letters.Where(l => expected.GetValueOrDefault((l.SourceTopic, l.SourcePartition, l.SourceOffset)) != l.ReasonCode).ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count} dead letters with an unexpected source or reason, e.g. "
            + string.Join("; ", wrong.Take(3).Select(l => $"{l.ReasonCode} at {l.SourceTopic}/{l.SourcePartition}/{l.SourceOffset}: {l.Reason} [{l.Payload[..Math.Min(120, l.Payload.Length)]}]")));
        Assert.All(dirty.Letters, l => Assert.True(l.Reason.Length >= 20, $"reason too short to act on: '{l.Reason}'"));
        foreach (var group in dirty.Letters.GroupBy(l => l.ReasonCode).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{group.Key,-20} {group.Count(),5}  e.g. \"{group.First().Reason}\"");
        }

        // And the processor kept running and ready
        Assert.True(dirty.StayedUp, "the processor stopped or was not ready at the end");

        // And the valid events gave exactly the recommendations and user states they give on their own
        Assert.Equal(valid, clean.Recommendations.Count);
        Assert.Equal(valid, dirty.Recommendations.Count);
        for (var i = 0; i < valid; i++)
        {
            var a = clean.Recommendations[i];
            var b = dirty.Recommendations[i];
            Assert.Equal(a.UserId, b.UserId);
            Assert.Equal(a.Items.Select(x => x.ItemId), b.Items.Select(x => x.ItemId));
            Assert.True(a.Items.Zip(b.Items).All(p => Math.Abs(p.First.Score - p.Second.Score) < 1e-4), $"scores of interaction {i} differ");
        }

        ProcessorStore.AssertSameStates(clean.States, dirty.States);
    }

    private async Task<Served> ServeAsync(string name, List<BadEventMix.Planned> items, List<BadEventMix.Planned> interactions, KafkaProducer producer)
    {
        await using var schema = await postgres.CreateSchemaAsync("bad_" + name);
        var topics = Topics.Fresh(kafka);
        var options = harness.Options(kafka.Bootstrap, postgres.ConnectionString, schema.Name, topics, KafkaService.FreshGroup("bad-" + name));
        options.Processing.MaxTextLength = MaxTextLength;
        await using var run = await RunningProcessor.StartAsync(options);

        var published = await PublishAsync(producer, topics.Items, items);
        var validItems = items.Count(p => p.ExpectedCode is null);
        Assert.True(await Eventually.HoldsAsync(() => run.Processor.Catalog.Count == validItems, Patience), $"catalogue has {run.Processor.Catalog.Count} of {validItems} items");
        var clock = Stopwatch.StartNew();
        published.AddRange(await PublishAsync(producer, topics.Interactions, interactions));
        Assert.True(
            await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(schema.DataSource, topics.Interactions) == interactions.Count, Patience),
            $"stored offsets reached {ProcessorStore.OffsetSum(schema.DataSource, topics.Interactions)} of {interactions.Count}");
        var seconds = clock.Elapsed.TotalSeconds;

        var bad = published.Count(p => p.Planned.ExpectedCode is not null);
        var letters = bad == 0 ? [] : ProcessorHarness.ReadAll(kafka.Bootstrap, topics.DeadLetter, r => r.Count >= bad, Patience)
            .Select(r => EventJson.DeserializeDeadLetter(r.Message.Value)).ToList();
        var validInteractions = published.Where(p => p.Topic == topics.Interactions && p.Planned.ExpectedCode is null).ToList();
        var recs = ProcessorHarness.ReadAll(kafka.Bootstrap, topics.Recommendations, r => r.Count >= validInteractions.Count, Patience)
            .Select(r => EventJson.DeserializeRecommendation(r.Message.Value))
            .ToDictionary(r => (r.SourcePartition, r.SourceOffset));

        // Recommendations in the order of the valid interactions they answer, whatever offsets those got.
        var ordered = validInteractions.Select(p => recs.GetValueOrDefault((p.Partition, p.Offset))).OfType<RecommendationPublished>().ToList();
        var stayedUp = run.IsRunning && run.Processor.Ready;
        return new Served(published, letters, ordered, await ProcessorStore.StatesAsync(schema.DataSource), seconds, stayedUp);
    }

    private static async Task<List<Published>> PublishAsync(KafkaProducer producer, string topic, List<BadEventMix.Planned> planned)
    {
        // The idempotent producer keeps each partition's order, so every user's events arrive as planned.
        var sent = planned.Select(p => producer.ProduceAsync(topic, p.Key, p.Value)).ToList();
        var results = await Task.WhenAll(sent);
        return [.. results.Zip(planned, (r, p) => new Published(topic, r.Partition.Value, r.Offset.Value, p))];
    }

    private sealed record Published(string Topic, int Partition, long Offset, BadEventMix.Planned Planned);

    private sealed record Served(
        List<Published> Published,
        List<DeadLetter> Letters,
        List<RecommendationPublished> Recommendations,
        Dictionary<string, (float[] State, string[] History, long Interactions)> States,
        double Seconds,
        bool StayedUp);
}
