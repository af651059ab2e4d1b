using ZesRec.Data;
using ZesRec.Data.Events;
using ZesRec.Evaluation;
using ZesRec.Evaluation.Rankers;
using ZesRec.Model;
using ZesRec.Streaming.Hosting;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Tests.Fixtures;
using ZesRec.Text;
using static TorchSharp.torch;

namespace ZesRec.Streaming.Tests;

[Collection(ProcessorCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class ProcessorOnlineMetricsTests(KafkaService kafka, PostgresService postgres, ProcessorHarness harness)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Online_metrics_should_equal_offline_evaluation_when_the_prepared_target_is_replayed()
    {
        // Given the prepared target domain (consecutive repeats removed) and the offline evaluation of the model on
        // it with the processor's protocol: every position, seen items excluded
        var domain = PreparedDomain.Prepare(harness.Target);
        var (model, card) = ModelCheckpoint.Load(harness.ModelDir);
        using var encoder = TextEncoders.Create(card.TextEncoderSpec, ProcessorHarness.TextCache, threads: 1);
        using var features = Model.TextFeatures.Encode(encoder, domain.ItemTexts, CPU);
        using var ranker = new SequenceModelRanker("zesrec", model, features);
        var offline = Evaluator.Evaluate(ranker, domain.Test, new EvaluationProtocol(AllPositions: true, ExcludeSeen: true), seed: 1).Metrics;

        // When the same items and sequences stream through a processor
        await using var schema = await postgres.CreateSchemaAsync("online");
        var topics = Topics.Fresh(kafka);
        var options = harness.Options(kafka.Bootstrap, postgres.ConnectionString, schema.Name, topics, KafkaService.FreshGroup("online"));
        await using var processor = StreamingProcessor.Create(options, TextWriter.Null);
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => processor.RunAsync(stop.Token));
        using var producer = new KafkaProducer(kafka.Settings("online-producer"));
        var items = domain.ItemIds.Select((id, i) => new ItemCreated(1, id, domain.ItemTexts[i], null)).ToList();
        await ProcessorHarness.PublishItemsAsync(producer, topics.Items, items);
        Assert.True(await Eventually.HoldsAsync(() => processor.Catalog.Count == domain.ItemCount, Patience));
        var interactions = domain.Test.SelectMany(u => u.Items.Select((item, k) => new InteractionOccurred(1, u.UserId, domain.ItemIds[item], null, k))).ToList();
        await ProcessorHarness.PublishInteractionsAsync(producer, topics.Interactions, interactions);
        Assert.True(await Eventually.HoldsAsync(() => processor.Online.Snapshot().Evaluated == interactions.Count, Patience), $"evaluated {processor.Online.Snapshot().Evaluated} of {interactions.Count}");
        await stop.CancelAsync();
        await run;

        // Then the live NDCG@20 and Recall@20 are the offline ones (up to float rounding between batched and
        // step-by-step state updates, which may swap near-tied items)
        var (ndcg, recall, evaluated) = processor.Online.Snapshot();
        Assert.Equal(offline.Count, evaluated);
        Assert.Equal(offline.Recall20, recall, 3);
        Assert.Equal(offline.Ndcg20, ndcg, 3);
        Assert.True(offline.Recall20 > 0, "the model never hits: the comparison would be vacuous");
    }
}
