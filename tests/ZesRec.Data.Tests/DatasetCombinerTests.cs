using CsCheck;
using ZesRec.Data.Events;

namespace ZesRec.Data.Tests;

/// <summary><see cref="DatasetCombiner"/>: users stay apart, items merge by text, the excluded target stays unseen.</summary>
public sealed class DatasetCombinerTests
{
    [Fact]
    public void Combine_should_prefix_users_merge_items_by_text_and_rename_colliding_ids()
    {
        // Given: two domains whose user ids coincide, one item text in both, and item id "1" meaning two things
        var a = Dataset("a", [("1", "Red Pen"), ("x", "Stapler")], [("u1", "1"), ("u1", "x")]);
        var b = Dataset("b", [("y", "red  pen"), ("1", "Toy Story (1995)")], [("u1", "y"), ("u1", "1")]);

        // When
        var result = DatasetCombiner.Combine("ab", [a, b]);

        // Then
        var ds = result.Dataset;
        Assert.Equal(["1", "x", "b/1"], ds.Items.Select(i => i.ItemId));
        Assert.Equal(["a/u1", "a/u1", "b/u1", "b/u1"], ds.Interactions.Select(i => i.UserId));
        Assert.Equal(["1", "x", "1", "b/1"], ds.Interactions.Select(i => i.ItemId));
        Assert.Equal(1, result.Parts[1].MergedItems);
    }

    [Fact]
    public void Combine_should_drop_items_of_the_excluded_dataset_by_id_or_text_with_their_interactions()
    {
        // Given
        var source = Dataset("s", [("p", "Pencil"), ("q", "Paper Clips"), ("r", "Ruler")], [("u", "p"), ("u", "q"), ("u", "r")]);
        var other = Dataset("o", [("m", "Movie")], [("v", "m")]);
        var target = Dataset("t", [("p", "Something Else"), ("z", "paper clips")], [("w", "z")]);

        // When
        var result = DatasetCombiner.Combine("so", [source, other], target);

        // Then
        Assert.Equal(["r", "m"], result.Dataset.Items.Select(i => i.ItemId));
        Assert.Equal(2, result.Parts[0].ExcludedItems);
        Assert.Equal(2, result.Parts[0].DroppedInteractions);
        Assert.Equal(1, result.Parts[0].Interactions);
    }

    [Fact]
    public void Combine_should_refuse_two_inputs_with_the_same_name()
    {
        var a = Dataset("a", [("1", "x")], [("u", "1")]);
        var e = Assert.Throws<ArgumentException>(() => DatasetCombiner.Combine("aa", [a, a]));
        Assert.Contains("two datasets are named 'a'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Combine_should_keep_each_kept_users_history_whole_and_the_same_users_whatever_the_order()
    {
        var gen = Gen.Select(Gen.Int[1, 12].Array[1, 60], Gen.Int[1, 8], Gen.Int[0, 3]);
        gen.Sample((users, max, seed) =>
        {
            // Given: interactions of users u0..u11 with items i0..i5, in some order
            var rows = users.Select((u, k) => ($"u{u}", $"i{k % 6}")).ToList();
            var items = Enumerable.Range(0, 6).Select(k => ($"i{k}", $"text {k}")).ToList();
            var shuffled = rows.OrderBy(r => HashCode.Combine(r.Item1, seed)).ToList();
            var other = Dataset("o", [("m", "Movie")], [("v", "m")]);

            // When
            var first = DatasetCombiner.Combine("c", [Dataset("d", items, rows), other], maxUsersPerInput: max);
            var second = DatasetCombiner.Combine("c", [Dataset("d", items, shuffled), other], maxUsersPerInput: max);

            // Then: at most max users, each with every one of its interactions, and the same users both times
            var kept = first.Dataset.Interactions.Where(i => i.UserId.StartsWith("d/", StringComparison.Ordinal)).GroupBy(i => i.UserId).ToList();
            Assert.True(kept.Count <= max && kept.Count == Math.Min(max, rows.Select(r => r.Item1).Distinct().Count()));
            foreach (var g in kept)
            {
                Assert.Equal(rows.Count(r => "d/" + r.Item1 == g.Key), g.Count());
            }

            Assert.Equal(
                first.Dataset.Interactions.Select(i => i.UserId).ToHashSet(),
                second.Dataset.Interactions.Select(i => i.UserId).ToHashSet());
            Assert.All(first.Dataset.Interactions, i => Assert.Contains(first.Dataset.Items, x => x.ItemId == i.ItemId));
        }, iter: 200, threads: 1);
    }

    private static EventLogDataset Dataset(string name, IReadOnlyList<(string Id, string Text)> items, IReadOnlyList<(string User, string Item)> interactions) =>
        new(
            name,
            "test",
            items.Select(i => new ItemCreated(ItemCreated.CurrentVersion, i.Id, i.Text)).ToList(),
            interactions.Select((x, k) => new InteractionOccurred(InteractionOccurred.CurrentVersion, x.User, x.Item, Position: k + 1)).ToList());
}
