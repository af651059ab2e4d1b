using CsCheck;
using ZesRec.Data.Events;
using ZesRec.Streaming.Pipeline;
using ZesRec.Streaming.Serving;

namespace ZesRec.Streaming.Tests;

/// <summary>The rules by which a batch of item events changes the catalogue (<see cref="ItemChanges"/>).</summary>
public sealed class ItemChangesTests
{
    private static readonly DateTimeOffset Now = new(2024, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Created = Now.AddHours(-5);

    [Fact]
    public void Fold_should_apply_each_event_in_order_when_a_batch_creates_updates_and_removes()
    {
        // Given a catalogue that knows a (created five hours ago) and r (removed)
        var known = new Dictionary<string, CatalogState> { ["a"] = new(Created, false), ["r"] = new(null, true) };
        IItemEvent[] events =
        [
            new ItemUpdated(1, "a", "a, corrected"),
            new ItemCreated(1, "b", "b"),
            new ItemRemoved(1, "b", Now.AddMinutes(-1)),
            new ItemUpdated(1, "ghost", "never created"),
            new ItemRemoved(1, "r"),
            new ItemUpdated(1, "r", "r, corrected while removed"),
            new ItemCreated(1, "c", "c"),
            new ItemRemoved(1, "c"),
            new ItemCreated(1, "c", "c again", Created),
        ];

        // When
        var fold = ItemChanges.Fold(events, id => known.TryGetValue(id, out var s) ? s : null, Now);

        // Then: an update keeps the age, a removal keeps the text, a second removal is a no-op, the ghost is refused,
        // a removed item stays removed when updated and comes back only by item-created
        Assert.Equal(
            [
                new ItemChange("a", "a, corrected", 0, Created, false, null),
                new ItemChange("b", "b", 1, null, true, Now.AddMinutes(-1)),
                new ItemChange("r", "r, corrected while removed", 5, null, true, null),
                new ItemChange("c", "c again", 8, Created, false, null),
            ],
            fold.Changes);
        Assert.Equal(3, Assert.Single(fold.Refused).Event);
        Assert.Equal(2, fold.Updated);
        Assert.Equal(2, fold.Removed);
    }

    [Fact]
    public void Fold_should_end_in_the_same_catalogue_whichever_way_the_events_are_split_into_batches()
    {
        // Given event sequences over a few ids, and a split into batches
        var ids = Gen.Int[0, 2].Select(i => "abc"[i].ToString());
        var events = Gen.OneOf<IItemEvent>(
            Gen.Select(ids, Gen.Int[0, 9], (id, v) => (IItemEvent)new ItemCreated(1, id, $"{id}{v}", Created.AddMinutes(v))),
            Gen.Select(ids, Gen.Int[0, 9], (id, v) => (IItemEvent)new ItemUpdated(1, id, $"{id}{v}*")),
            ids.Select(id => (IItemEvent)new ItemRemoved(1, id, Now))).Array[0, 30];
        Gen.Select(events, Gen.Int[1, 8]).Sample((sequence, batchSize) =>
        {
            // When the events are folded in one batch, and in batches of batchSize, each applied to a catalogue model
            var whole = Apply([sequence]);
            var split = Apply([.. sequence.Chunk(batchSize)]);

            // Then both end with the same texts, ages, removals and the same refused events
            return whole.Catalogue.Count == split.Catalogue.Count
                && whole.Catalogue.All(kv => split.Catalogue.TryGetValue(kv.Key, out var other) && other == kv.Value)
                && whole.Refused == split.Refused;
        });
    }

    private static (Dictionary<string, (string Text, DateTimeOffset? CreatedAt, bool Removed)> Catalogue, int Refused) Apply(IEnumerable<IItemEvent[]> batches)
    {
        var catalogue = new Dictionary<string, (string Text, DateTimeOffset? CreatedAt, bool Removed)>();
        var refused = 0;
        foreach (var batch in batches)
        {
            var fold = ItemChanges.Fold(batch, id => catalogue.TryGetValue(id, out var s) ? new CatalogState(s.CreatedAt, s.Removed) : null, Now);
            refused += fold.Refused.Count;
            foreach (var c in fold.Changes)
            {
                catalogue[c.ItemId] = (c.Text ?? catalogue[c.ItemId].Text, c.CreatedAt, c.Removed);
            }
        }

        return (catalogue, refused);
    }
}
