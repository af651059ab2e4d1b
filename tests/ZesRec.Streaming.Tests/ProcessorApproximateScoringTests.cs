using ZesRec.Data.Events;
using ZesRec.Model;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Serving;
using ZesRec.Streaming.Tests.Fixtures;
using static TorchSharp.torch;

namespace ZesRec.Streaming.Tests;

/// <summary>
/// The approximate scorers (and matrix scoring's bfloat16 shortlist) inside a real processor, broker and database, on
/// the tiny Office catalogue with more candidates than items: recommendations equal exact scoring of the stored states,
/// an added item shows up and a removed one disappears.
/// </summary>
[Collection(ProcessorCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class ProcessorApproximateScoringTests(KafkaService kafka, PostgresService postgres, ProcessorHarness harness)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("usearch")]
    [InlineData("pgvector")]
    [InlineData("bf16")]
    public async Task Recommendations_should_equal_exact_scoring_and_follow_added_and_removed_items(string scoring)
    {
        // Given a processor scoring approximately with more candidates than items, serving the tiny Office items
        await using var schema = await postgres.CreateSchemaAsync("ann" + scoring);
        var topics = Topics.Fresh(kafka);
        var options = harness.Options(kafka.Bootstrap, postgres.ConnectionString, schema.Name, topics, KafkaService.FreshGroup("ann" + scoring));
        if (scoring == "bf16")
        {
            options.Processing.ScorePrecision = scoring;
        }
        else
        {
            options.Processing.Scoring = scoring;
        }

        options.Processing.Candidates = 1000;
        await using var run = await RunningProcessor.StartAsync(options);
        var catalog = run.Processor.Catalog;
        using var producer = new KafkaProducer(kafka.Settings("ann-producer"));
        var items = harness.Target.Items;
        await ProcessorHarness.PublishItemsAsync(producer, topics.Items, items);
        Assert.True(await Eventually.HoldsAsync(() => catalog.Count == items.Count, Patience), $"catalogue has {catalog.Count} items");

        // When three users interact with two items each
        var users = new[] { "a", "b", "c" };
        for (var u = 0; u < users.Length; u++)
        {
            await InteractAsync(producer, topics, users[u], items[u * 5].ItemId, 0);
        }

        var last = new Dictionary<string, RecommendationPublished>();
        for (var u = 0; u < users.Length; u++)
        {
            last[users[u]] = await InteractAsync(producer, topics, users[u], items[(u * 5) + 1].ItemId, 1, count: 2);
        }

        // Then each user's recommendation is the exact top-k of its stored state, seen items excluded
        var states = await ProcessorStore.StatesAsync(schema.DataSource);
        var (model, _) = ModelCheckpoint.Load(harness.ModelDir, CPU);
        using (model)
        {
            model.eval();
            using var exact = new Recommender(model, catalog, CPU);
            foreach (var user in users)
            {
                var expected = exact.TopK([states[user].State], [states[user].History.ToHashSet()], options.Processing.TopK)[0];
                Assert.Equal(expected.Select(r => r.ItemId), last[user].Items.Select(r => r.ItemId));
            }
        }

        // When a's best item is removed and a new item with the same text is added
        var best = last["a"].Items[0].ItemId;
        var copy = new ItemCreated(1, "copy-of-best", items.Single(i => i.ItemId == best).Text);
        await producer.ProduceAsync(topics.Items, best, EventJson.Serialize(new ItemRemoved(1, best, DateTimeOffset.UtcNow)));
        await ProcessorHarness.PublishItemsAsync(producer, topics.Items, [copy]);
        Assert.True(await Eventually.HoldsAsync(() => catalog.StateOf(best) is { Removed: true } && catalog.StateOf(copy.ItemId) is not null, Patience), "the removal or the addition was never applied");

        // Then a user like a gets the copy first, and never the removed item
        await InteractAsync(producer, topics, "a2", items[0].ItemId, 0);
        var again = await InteractAsync(producer, topics, "a2", items[1].ItemId, 1, count: 2);
        Assert.Equal(copy.ItemId, again.Items[0].ItemId);
        Assert.DoesNotContain(again.Items, r => r.ItemId == best);
        if (scoring == "usearch")
        {
            Assert.Equal(catalog.CandidateCount, catalog.Index!.Count);
        }
    }

    private async Task<RecommendationPublished> InteractAsync(KafkaProducer producer, Topics topics, string user, string item, long position, int count = 1)
    {
        await producer.ProduceAsync(topics.Interactions, user, EventJson.Serialize(new InteractionOccurred(1, user, item, null, position)));
        var recs = ProcessorHarness.ReadAll(kafka.Bootstrap, topics.Recommendations, r => r.Count(m => m.Message.Key == user) >= count, Patience)
            .Where(r => r.Message.Key == user).Select(r => EventJson.DeserializeRecommendation(r.Message.Value)).ToList();
        Assert.True(recs.Count >= count, $"no recommendation for {user}'s interaction with {item}");
        return recs.OrderBy(r => r.SourceOffset).Last();
    }
}
