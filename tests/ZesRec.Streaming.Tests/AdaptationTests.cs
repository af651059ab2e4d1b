using Npgsql;
using ZesRec.Model;
using ZesRec.Model.Training;
using ZesRec.Streaming.Adaptation;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Observability;
using ZesRec.Streaming.Storage;
using ZesRec.Streaming.Tests.Fixtures;
using ZesRec.Tests.Shared;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ZesRec.Streaming.Tests;

/// <summary>
/// <c>zesrec adapt</c> against the real services on a small replay: the promotion guard refuses a worse candidate,
/// the verb runs a round end to end, and a candidate that validates better is promoted, serves the store, and
/// `zesrec serve --model` on the link follows it.
/// </summary>
[Collection(ModelChangeCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class AdaptationTests(KafkaService kafka, PostgresService postgres, ProcessorHarness harness, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Adapt_should_refuse_a_worse_candidate_and_promote_a_better_one_that_serve_then_follows()
    {
        // Given `zesrec serve --model models/current` (a link to the harness model) that applied the tiny Office
        // replay but its last five interactions
        using var folder = new TempFolder();
        var current = Path.Combine(folder.Path, "current");
        Directory.CreateSymbolicLink(current, harness.ModelDir);
        await using var schema = await postgres.CreateSchemaAsync("adapt");
        var topics = Topics.Fresh(kafka);
        using var producer = new KafkaProducer(kafka.Settings("adapt-producer"));
        await ProcessorHarness.PublishItemsAsync(producer, topics.Items, harness.Target.Items);
        var interactions = harness.Target.Interactions.OrderBy(i => i.OrderKey).ToList();
        var served = ModelCard.Load(harness.ModelDir).ModelVersion;
        using var serve = ServeProcess.Start(
            harness, kafka.Bootstrap, postgres.ConnectionString, schema.Name, topics, KafkaService.FreshGroup("adapt"), "adapt", extraArgs: ["--model", current]);
        Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.ItemCount(schema.DataSource) == harness.Target.Items.Count, Patience), serve.Tail());
        await ProcessorHarness.PublishInteractionsAsync(producer, topics.Interactions, interactions.SkipLast(5));
        Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(schema.DataSource, topics.Interactions) == interactions.Count - 5, Patience), serve.Tail());

        // When a round's candidate is the serving model with every weight zeroed
        var rejectedBefore = AdaptationMetrics.Rounds.WithLabels("rejected").Value;
        var settings = new AdaptationSettings { ModelDir = current, ModelsDir = folder.Path };
        var worse = await new AdaptationRound(schema.DataSource, settings, CPU, ProcessorHarness.TextCache, TextWriter.Null) { Tune = (model, _, _) => Zero(model) }
            .RunAsync(CancellationToken.None);

        // Then the guard refuses it, naming both scores; nothing is written and the same model serves
        Assert.Equal(AdaptationDecision.Rejected, worse.Decision);
        Assert.True(worse.Candidate!.Ndcg < worse.Serving!.Ndcg, worse.Reason);
        Assert.StartsWith("rejected: held-out NDCG@20", worse.Reason, StringComparison.Ordinal);
        Assert.Equal(rejectedBefore + 1, AdaptationMetrics.Rounds.WithLabels("rejected").Value);
        Assert.Equal([current], Directory.GetFileSystemEntries(folder.Path));
        Assert.Equal(served, await StoreSchema.ServingVersionAsync(schema.DataSource));
        Assert.Equal(0, await CountAsync(schema.DataSource, "SELECT count(*) FROM items WHERE model_version <> $1", served));

        // When `zesrec adapt --once` fine-tunes it on this small replay
        using (var adapt = CliProcess.Start(
            ["adapt", "--model", current, "--once", "--pg", postgres.ConnectionString, "--pg-schema", schema.Name, "--device", "cpu"]))
        {
            // Then it ends a round with a decision naming both scores (1,269 interactions are too few to gain from:
            // its candidate is refused, and the same model serves)
            Assert.True(await adapt.ExitCodeAsync(Patience) == 0, adapt.Output);
            output.WriteLine(adapt.Output);
            Assert.Matches(@"zesrec adapt: (promoted|rejected): held-out NDCG@20 \d\.\d{4} .* against the serving model's \d\.\d{4}", adapt.Output);
            if (adapt.Output.Contains("zesrec adapt: rejected:", StringComparison.Ordinal))
            {
                Assert.Equal(served, await StoreSchema.ServingVersionAsync(schema.DataSource));
            }
        }

        // When a round's candidate has also trained on the held-out interactions, so it validates better by construction
        var better = await new AdaptationRound(schema.DataSource, settings, CPU, ProcessorHarness.TextCache, TextWriter.Null)
        {
            Tune = (model, text, data) => new FineTuner(model, text, CPU) { Epochs = 20, LearningRate = 0.1 }.Tune([.. data.Train, .. data.HeldOut.Select(h => h.Sequence)]),
        }.RunAsync(CancellationToken.None);
        Assert.Equal(AdaptationDecision.Promoted, better.Decision);
        Assert.True(better.Candidate!.Ndcg > better.Serving!.Ndcg, better.Reason);

        // Then the candidate is a model folder beside the link, which points at it, and serves the store
        var promoted = Assert.Single(Directory.GetDirectories(folder.Path), d => d != current);
        Assert.Equal(Path.Combine(folder.Path, better.CandidateVersion!), promoted);
        var card = ModelCard.Load(promoted);
        Assert.Equal(served, card.AdaptedFrom);
        Assert.Equal(card.ModelVersion, ModelCard.Load(current).ModelVersion);
        Assert.Equal(card.ModelVersion, await StoreSchema.ServingVersionAsync(schema.DataSource));
        Assert.Equal(harness.Target.Items.Count, await CountAsync(schema.DataSource, "SELECT count(*) FROM items WHERE model_version = $1", card.ModelVersion));

        // And `zesrec serve` restarts with it and applies the last interactions: every interaction applied once
        Assert.True(await Eventually.HoldsAsync(() => serve.Tail(50).Contains($"model {card.ModelVersion} now serves the store", StringComparison.Ordinal), Patience), serve.Tail());
        await ProcessorHarness.PublishInteractionsAsync(producer, topics.Interactions, interactions.TakeLast(5));
        Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(schema.DataSource, topics.Interactions) == interactions.Count, Patience), serve.Tail());
        Assert.False(serve.HasExited);
        var states = await ProcessorStore.StatesAsync(schema.DataSource, card.ModelVersion);
        Assert.Equal(interactions.Count, states.Values.Sum(s => s.Interactions));
    }

    private static void Zero(ZesRecModel model)
    {
        using var noGrad = no_grad();
        foreach (var parameter in model.parameters())
        {
            parameter.zero_();
        }
    }

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, string sql, string version)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue(version);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
