using ZesRec.Model;
using ZesRec.Streaming.Hosting;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Storage;
using ZesRec.Streaming.Tests.Fixtures;

namespace ZesRec.Streaming.Tests;

/// <summary>A processor refuses, before consuming anything, a store that another model serves.</summary>
[Collection(ModelChangeCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class ProcessorModelVersionTests(KafkaService kafka, PostgresService postgres, ProcessorHarness harness, OtherModels others)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Theory]
    [InlineData("retrained")]
    [InlineData("tcn")]
    public async Task Serve_should_refuse_a_store_written_by_another_model_of_the_same_dimension(string other)
    {
        // Given a store the harness's GRU4Rec model served: items stored, interactions applied
        await using var schema = await postgres.CreateSchemaAsync("version_serve");
        var topics = Topics.Fresh(kafka);
        using var producer = new KafkaProducer(kafka.Settings("version-producer"));
        await ProcessorHarness.PublishItemsAsync(producer, topics.Items, harness.Target.Items);
        var options = harness.Options(kafka.Bootstrap, postgres.ConnectionString, schema.Name, topics, KafkaService.FreshGroup("version"));
        var applied = harness.Target.Interactions.Count / 2;
        string served;
        await using (var run = await RunningProcessor.StartAsync(options))
        {
            served = run.Processor.Card.ModelVersion;
            Assert.True(await Eventually.HoldsAsync(() => run.Processor.Catalog.Count == harness.Target.Items.Count, Patience));
            await ProcessorHarness.PublishInteractionsAsync(producer, topics.Interactions, harness.Target.Interactions.Take(applied));
            Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(schema.DataSource, topics.Interactions) == applied, Patience));
        }

        var before = await ProcessorStore.StatesAsync(schema.DataSource);
        await ProcessorHarness.PublishInteractionsAsync(producer, topics.Interactions, harness.Target.Interactions.Skip(applied));

        // When a model of the same dimension but another version is served on that store
        var otherOptions = harness.Options(kafka.Bootstrap, postgres.ConnectionString, schema.Name, topics, KafkaService.FreshGroup("version"));
        otherOptions.ModelDir = other == "retrained" ? others.RetrainedDir : others.TcnDir;
        var card = ModelCard.Load(otherOptions.ModelDir);
        await using var processor = StreamingProcessor.Create(otherOptions, TextWriter.Null);
        using var timeout = new CancellationTokenSource(Patience);
        var error = await Assert.ThrowsAsync<ModelVersionMismatchException>(() => processor.RunAsync(timeout.Token));

        // Then it names both versions and the way to upgrade, and consumed nothing: states and offsets are as they were
        Assert.NotEqual(served, card.ModelVersion);
        Assert.Equal(ModelCard.Load(harness.ModelDir).Config.Dim, card.Config.Dim);
        Assert.Contains(served, error.Message, StringComparison.Ordinal);
        Assert.Contains(card.ModelVersion, error.Message, StringComparison.Ordinal);
        Assert.Contains("zesrec upgrade --model", error.Message, StringComparison.Ordinal);
        Assert.Equal(applied, ProcessorStore.OffsetSum(schema.DataSource, topics.Interactions));
        ProcessorStore.AssertSameStates(before, await ProcessorStore.StatesAsync(schema.DataSource));
    }
}
