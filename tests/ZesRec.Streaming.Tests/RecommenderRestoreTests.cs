using CsCheck;
using ZesRec.Model;
using ZesRec.Model.Users;
using ZesRec.Streaming.Serving;
using ZesRec.Streaming.Storage;
using static TorchSharp.torch;

namespace ZesRec.Streaming.Tests;

/// <summary>
/// A TCN state stored as its history only must come back as the state the stream computed: every user stepped
/// item by item equals the state <see cref="Recommender.Restore"/> rebuilds from the stored row.
/// </summary>
public sealed class RecommenderRestoreTests
{
    private const int Dim = 8;
    private const int Items = 30;

    [Theory]
    [InlineData(3, new[] { 1, 2, 4 }, true)]
    [InlineData(2, new[] { 1, 2 }, false)]
    [InlineData(3, new[] { 1 }, true)]
    public void Restore_should_equal_the_streamed_state_for_histories_shorter_and_longer_than_the_window(int kernel, int[] dilations, bool skipLastItem)
    {
        manual_seed(11);
        using var model = new ZesRecModel(
            new ZesRecConfig { Variant = TcnVariant.Definition.Variant, Dim = Dim, TcnKernel = kernel, TcnDilations = dilations, SkipLastItem = skipLastItem },
            textDim: 4,
            sourceItems: 1);
        model.eval();
        using var catalog = new ItemCatalog(Dim, CPU);
        catalog.Upsert([.. Enumerable.Range(0, Items).Select(i => $"item{i}")], randn(Items, Dim));
        using var recommender = new Recommender(model, catalog, CPU);
        var window = model.StateWindow!.Value;
        Assert.True(recommender.StatesFromHistory);

        // Users of 0 to three windows of items, the window's edges included.
        Gen.Int[0, Items - 1].Array[0, (3 * window) + 1].Array[1, 12].Sample(histories =>
        {
            var streamed = Stream(recommender, [.. histories.Select(h => h.Select(i => RowOf(catalog, i)).ToArray())]);
            var rows = histories.Select((h, u) => new UserStateRow(
                $"u{u}", 0, [], [.. h.Select(i => $"item{i}")], h.Length - 1, h.Length, h.Length, [.. h.Select((_, t) => (long)t + 1)])).ToList();

            var restored = recommender.Restore(rows);

            for (var u = 0; u < histories.Length; u++)
            {
                Assert.Equal(streamed[u].Length, restored[u].Length);
                var worst = streamed[u].Zip(restored[u]).Max(p => Math.Abs(p.First - p.Second) / Math.Max(1, Math.Abs(p.First)));
                Assert.True(worst < 1e-5, $"user of {histories[u].Length} items (window {window}): off by {worst}");
            }
        }, iter: 25, threads: 1);
    }

    [Fact]
    public void Restore_should_refuse_rows_without_a_state_for_a_model_whose_state_depends_on_every_input()
    {
        using var model = new ZesRecModel(new ZesRecConfig { Dim = Dim }, textDim: 4, sourceItems: 1);
        using var catalog = new ItemCatalog(Dim, CPU);
        using var recommender = new Recommender(model, catalog, CPU);

        Assert.False(recommender.StatesFromHistory);
        var error = Assert.Throws<InvalidOperationException>(() => recommender.Restore([new UserStateRow("u", 0, [], ["item0"], 0, 1)]));
        Assert.Contains("hold no state vector", error.Message, StringComparison.Ordinal);
    }

    private static int RowOf(ItemCatalog catalog, int item) =>
        catalog.TryGetRow($"item{item}", out var row) ? row : throw new InvalidOperationException($"item{item} is not in the catalogue");

    // What the stream does: the start state at the first item's key, then one batched step per wave.
    private static float[][] Stream(Recommender recommender, int[][] histories)
    {
        var states = recommender.StartStates([.. histories.Select(_ => 1L)]);
        var longest = histories.Max(h => h.Length);
        for (var t = 0; t < longest; t++)
        {
            var active = Enumerable.Range(0, histories.Length).Where(u => histories[u].Length > t).ToArray();
            var next = recommender.Step([.. active.Select(u => states[u])], [.. active.Select(u => histories[u][t])], [.. active.Select(_ => (long)t + 1)]);
            for (var i = 0; i < active.Length; i++)
            {
                states[active[i]] = next[i];
            }
        }

        return states;
    }
}
