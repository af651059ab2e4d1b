using ZesRec.Data.Events;
using ZesRec.Streaming.Kafka;

namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>What a processor of one model stores after every interaction, replayed from the start on fresh topics and schema.</summary>
internal static class FreshReplay
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    public static async Task<Dictionary<string, (float[] State, string[] History, long Interactions)>> StatesAsync(
        KafkaService kafka, PostgresService postgres, ProcessorHarness harness, string modelDir, IReadOnlyList<InteractionOccurred> interactions)
    {
        await using var fresh = await postgres.CreateSchemaAsync("fresh_replay");
        var topics = Topics.Fresh(kafka);
        using var producer = new KafkaProducer(kafka.Settings("fresh-replay-producer"));
        await ProcessorHarness.PublishItemsAsync(producer, topics.Items, harness.Target.Items);
        var options = harness.Options(kafka.Bootstrap, postgres.ConnectionString, fresh.Name, topics, KafkaService.FreshGroup("fresh-replay"));
        options.ModelDir = modelDir;
        await using (var replay = await RunningProcessor.StartAsync(options))
        {
            Assert.True(await Eventually.HoldsAsync(() => replay.Processor.Catalog.Count == harness.Target.Items.Count, Patience));
            await ProcessorHarness.PublishInteractionsAsync(producer, topics.Interactions, interactions);
            Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(fresh.DataSource, topics.Interactions) == interactions.Count, Patience));
        }

        return await ProcessorStore.StatesAsync(fresh.DataSource);
    }
}
