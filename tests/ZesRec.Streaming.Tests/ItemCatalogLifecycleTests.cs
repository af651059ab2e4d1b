using ZesRec.Model;
using ZesRec.Streaming.Serving;
using static TorchSharp.torch;

namespace ZesRec.Streaming.Tests;

/// <summary>Removed and expired items in the in-memory catalogue, and the pin that keeps one interaction batch's view still.</summary>
public sealed class ItemCatalogLifecycleTests
{
    private static readonly DateTimeOffset Now = new(2024, 3, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Removed_and_expired_items_should_keep_their_rows_but_never_be_ranked()
    {
        // Given a catalogue of six items: one removed, one created two hours ago under a one-hour maximum age
        manual_seed(11);
        using var model = new ZesRecModel(new ZesRecConfig { Dim = 8 }, textDim: 4, sourceItems: 1);
        model.eval();
        using var catalog = new ItemCatalog(8, CPU);
        using var recommender = new Recommender(model, catalog, CPU);
        catalog.Upsert(["i0", "i1", "i2", "i3", "i4", "old"], randn(6, 8), [new(Now, false), new(null, false), new(null, false), new(null, false), new(null, false), new(Now.AddHours(-2), false)]);

        // When
        var removed = catalog.Remove(["i1", "i1", "missing"]);
        var expired = catalog.Expire(Now, TimeSpan.FromHours(1));
        var again = catalog.Expire(Now.AddMinutes(1), TimeSpan.FromHours(1));
        var states = recommender.StartStates([0, 0]);
        var ranked = recommender.TopK(states, [new HashSet<string>(), new HashSet<string> { "i2" }], 10);

        // Then both keep their rows (a state step can still use them) and no list holds them
        Assert.Equal((1, 1, 0), (removed, expired, again));
        Assert.Equal((6, 4), (catalog.Count, catalog.CandidateCount));
        Assert.True(catalog.TryGetRow("i1", out _) && catalog.TryGetRow("old", out _));
        Assert.Equal(["i0", "i2", "i3", "i4"], ranked[0].Select(r => r.ItemId).Order());
        Assert.Equal(["i0", "i3", "i4"], ranked[1].Select(r => r.ItemId).Order());

        // And item-created brings the removed item back, a newer creation time makes the old one fresh
        catalog.Upsert(["i1", "old"], randn(2, 8), [new(null, false), new(Now, false)]);
        Assert.Equal(0, catalog.Expire(Now, TimeSpan.FromHours(1)));
        Assert.Equal(6, catalog.CandidateCount);
    }

    [Fact]
    public void Item_change_should_wait_for_the_end_of_a_pinned_interaction_batch()
    {
        // Given an interaction batch holding the catalogue pinned, with item a's vector all ones
        using var catalog = new ItemCatalog(2, CPU);
        catalog.Upsert(["a"], ones(1, 2));
        using var changed = new ManualResetEventSlim();
        var item = new Thread(() =>
        {
            catalog.Upsert(["a"], zeros(1, 2));
            changed.Set();
        });
        bool changedWhilePinned;
        float during;
        using (catalog.Pin())
        {
            // When the item stream changes a's vector meanwhile
            item.Start();
            changedWhilePinned = changed.Wait(300);
            during = catalog.Read((m, _) => m[0, 0].item<float>());
        }

        // Then the batch saw the vector it started with, and the change happened only after the batch
        Assert.False(changedWhilePinned);
        Assert.Equal(1f, during);
        item.Join();
        Assert.Equal(0f, catalog.Read((m, _) => m[0, 0].item<float>()));
    }
}
