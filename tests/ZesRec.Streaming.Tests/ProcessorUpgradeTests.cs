using System.Diagnostics;
using ZesRec.Model;
using ZesRec.Streaming.Hosting;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Storage;
using ZesRec.Streaming.Tests.Fixtures;
using ZesRec.Streaming.Upgrade;
using ZesRec.Text;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ZesRec.Streaming.Tests;

/// <summary>
/// <c>zesrec upgrade</c> against the real services: a GRU4Rec store moved to a TCN mid-stream, with a processor of
/// each model running across the switch.
/// </summary>
[Collection(ModelChangeCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class ProcessorUpgradeTests(KafkaService kafka, PostgresService postgres, ProcessorHarness harness, OtherModels others, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    // The new processor's restart back-off, its join of the group and half the interactions, on a loaded machine.
    private static readonly TimeSpan Catchup = TimeSpan.FromSeconds(300);

    [Fact]
    public async Task Upgrade_mid_stream_should_end_with_the_states_of_a_fresh_replay_under_the_new_model()
    {
        // Given a GRU4Rec processor part way through the interactions
        await using var schema = await postgres.CreateSchemaAsync("upgrade");
        var topics = Topics.Fresh(kafka);
        using var producer = new KafkaProducer(kafka.Settings("upgrade-producer"));
        await ProcessorHarness.PublishItemsAsync(producer, topics.Items, harness.Target.Items);
        var group = KafkaService.FreshGroup("upgrade");
        var total = harness.Target.Interactions.Count;
        var clock = Stopwatch.StartNew();
        var oldLog = new TimedLog(clock);
        var newLog = new TimedLog(clock);
        var (oldRun, oldProcessor, stopOld) = Start(harness.Options(kafka.Bootstrap, postgres.ConnectionString, schema.Name, topics, group), oldLog);
        Assert.True(await Eventually.HoldsAsync(() => oldProcessor.Catalog.Count == harness.Target.Items.Count, Patience));
        await ProcessorHarness.PublishInteractionsAsync(producer, topics.Interactions, harness.Target.Interactions.Take(total / 2));
        Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(schema.DataSource, topics.Interactions) >= total / 4, Patience));

        // When the TCN is prepared beside it, a TCN processor is started on the same store and group, and the
        // switch is made while the rest of the interactions arrive
        var (model, card) = ModelCheckpoint.Load(others.TcnDir, CPU);
        using var disposeModel = model;
        using var encoder = TextEncoders.Create(card.TextEncoderSpec, ProcessorHarness.TextCache);
        var upgrade = new ModelUpgrade(schema.DataSource, model, card, encoder, CPU, TextWriter.Null);
        var serving = await upgrade.ServingAsync(CancellationToken.None);
        await upgrade.PrepareAsync(serving, CancellationToken.None);
        var newOptions = harness.Options(kafka.Bootstrap, postgres.ConnectionString, schema.Name, topics, group);
        newOptions.ModelDir = others.TcnDir;
        var (newRun, newProcessor, stopNew) = Start(newOptions, newLog);
        await ProcessorHarness.PublishInteractionsAsync(producer, topics.Interactions, harness.Target.Interactions.Skip(total / 2));
        Assert.False(newProcessor.Ready);
        await upgrade.SwitchAsync(serving, CancellationToken.None);

        // Then the old processor stops at its next flush, the new one applies the rest
        var stopped = await Assert.ThrowsAsync<ModelVersionMismatchException>(() => oldRun.WaitAsync(Patience));
        Assert.Equal(card.ModelVersion, stopped.ServingVersion);
        // A stopped `zesrec serve` exits (code 2), which closes its consumers; until then the group waits for them.
        await oldProcessor.DisposeAsync();
        var caughtUp = await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(schema.DataSource, topics.Interactions) == total, Catchup);
        if (!caughtUp)
        {
            // What each processor said, on the test's clock: the evidence for a catch-up that did not happen.
            foreach (var (name, log) in new[] { ("old", oldLog), ("new", newLog) })
            {
                foreach (var (at, line) in log.Lines)
                {
                    output.WriteLine($"{name} {at.TotalSeconds,7:F1} s: {line}");
                }
            }
        }

        Assert.True(caughtUp, $"{ProcessorStore.OffsetSum(schema.DataSource, topics.Interactions)} of {total} interactions applied {Catchup.TotalSeconds:0} s after the switch");
        await stopNew.CancelAsync();
        await newRun;
        await newProcessor.DisposeAsync();

        // And its states are those of a fresh replay of every interaction under the TCN: none lost, none applied twice
        await using var fresh = await postgres.CreateSchemaAsync("upgrade_fresh");
        var freshTopics = Topics.Fresh(kafka);
        await ProcessorHarness.PublishItemsAsync(producer, freshTopics.Items, harness.Target.Items);
        var freshOptions = harness.Options(kafka.Bootstrap, postgres.ConnectionString, fresh.Name, freshTopics, KafkaService.FreshGroup("upgrade-fresh"));
        freshOptions.ModelDir = others.TcnDir;
        await using (var replay = await RunningProcessor.StartAsync(freshOptions))
        {
            Assert.True(await Eventually.HoldsAsync(() => replay.Processor.Catalog.Count == harness.Target.Items.Count, Patience));
            await ProcessorHarness.PublishInteractionsAsync(producer, freshTopics.Interactions, harness.Target.Interactions);
            Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(fresh.DataSource, freshTopics.Interactions) == total, Patience));
        }

        var upgraded = await ProcessorStore.StatesAsync(schema.DataSource, card.ModelVersion);
        ProcessorStore.AssertSameStates(await ProcessorStore.StatesAsync(fresh.DataSource), upgraded);
        Assert.Equal(total, upgraded.Values.Sum(r => r.Interactions));
        // The switch blamed no record: the old model's refused flush is not a poison batch
        Assert.Empty(ProcessorHarness.ReadAll(kafka.Bootstrap, topics.DeadLetter, _ => false, TimeSpan.FromSeconds(5)));
        stopOld.Dispose();
        stopNew.Dispose();
    }

    [Fact]
    public async Task Interrupted_preparation_should_leave_the_serving_model_and_resume_when_run_again()
    {
        // Given a store served by another model, holding the target's items
        await using var schema = await postgres.CreateSchemaAsync("upgrade_resume");
        const string Old = "gru4rec-000000000000";
        await StoreSchema.EnsureAsync(schema.DataSource, 32, Old);
        var random = new Random(3);
        await new ItemStore(schema.DataSource, Old).UpsertAsync(
            [.. harness.Target.Items.Select(i => new StoredItem(i.ItemId, i.Text, [.. Enumerable.Range(0, 32).Select(_ => (float)random.NextDouble())], null))]);
        var (model, card) = ModelCheckpoint.Load(others.TcnDir, CPU);
        using var disposeModel = model;
        using var encoder = TextEncoders.Create(card.TextEncoderSpec, ProcessorHarness.TextCache);

        // When the preparation is stopped after its first committed batch of items
        using var interrupt = new CancellationTokenSource();
        var first = new ModelUpgrade(schema.DataSource, model, card, encoder, CPU, TextWriter.Null) { BatchSize = 5, ItemsCommitted = _ => interrupt.Cancel() };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.PrepareAsync(Old, interrupt.Token));

        // Then the old model still serves, with only that batch prepared; a second run embeds the rest and switches
        Assert.Equal(Old, await StoreSchema.ServingVersionAsync(schema.DataSource));
        Assert.Equal(5, await new ItemStore(schema.DataSource, card.ModelVersion).LoadAllAsync().CountAsync());
        var second = new ModelUpgrade(schema.DataSource, model, card, encoder, CPU, TextWriter.Null) { BatchSize = 5 };
        var (embedded, _) = await second.PrepareAsync(Old, CancellationToken.None);
        await second.SwitchAsync(Old, CancellationToken.None);
        Assert.Equal(harness.Target.Items.Count - 5, embedded);
        Assert.Equal(card.ModelVersion, await StoreSchema.ServingVersionAsync(schema.DataSource));
        Assert.Equal(harness.Target.Items.Count, await new ItemStore(schema.DataSource, card.ModelVersion).LoadAllAsync().CountAsync());
        Assert.Equal((harness.Target.Items.Count, 0), await ModelUpgrade.DropOthersAsync(schema.DataSource, CancellationToken.None));
    }

    /// <summary>A processor running in the background; unlike RunningProcessor, not waited for to be ready.</summary>
    private static (Task Run, StreamingProcessor Processor, CancellationTokenSource Stop) Start(ServeOptions options, TextWriter? log = null)
    {
        var processor = StreamingProcessor.Create(options, log ?? TextWriter.Null);
        var stop = new CancellationTokenSource();
        return (Task.Run(() => processor.RunAsync(stop.Token)), processor, stop);
    }
}
