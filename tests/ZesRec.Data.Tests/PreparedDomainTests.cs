using ZesRec.Data.Events;
using ZesRec.Data.Import;

namespace ZesRec.Data.Tests;

[Trait("Tier", "Integration")]
public sealed class PreparedDomainTests
{
    [Fact]
    public void Prepare_should_sort_by_time_and_drop_consecutive_repeats_and_short_users()
    {
        // Given: u1 out of order with a repeat (B B), u2 with a single item, u3 with A B A (not consecutive)
        var ds = new EventLogDataset(
            "t",
            "test",
            [new ItemCreated(1, "A", "a"), new ItemCreated(1, "B", "b"), new ItemCreated(1, "C", "c"), new ItemCreated(1, "D", "never seen")],
            [
                At("u1", "C", 30), At("u1", "A", 10), At("u1", "B", 20), At("u1", "B", 25),
                At("u2", "A", 5),
                At("u3", "A", 1), At("u3", "B", 2), At("u3", "A", 3),
                At("u4", "C", 9), At("u4", "C", 9),
            ]);

        // When
        var domain = PreparedDomain.Prepare(ds, new PreparationOptions { ValidationFraction = 0 });

        // Then
        Assert.Equal(["u1", "u3"], domain.Test.Select(s => s.UserId));
        Assert.Equal([0, 1, 2], domain.Test[0].Items);
        Assert.Equal([10L, 20, 30], domain.Test[0].Times);
        Assert.Equal([0, 1, 0], domain.Test[1].Items);
        Assert.Equal([0, 1], domain.Train[0].Items);
        Assert.Equal(4, domain.ItemCount);
        Assert.Equal(3, domain.ItemIndex["D"]);
        Assert.Equal("never seen", domain.ItemTexts[3]);
    }

    [Fact]
    public void Prepare_should_split_leave_last_out_with_a_tenth_of_users_for_validation_on_real_data()
    {
        // Given
        var ds = DatasetImporters.Import("rechorus", RepoPaths.SharedData("amazon2014-office"), "office").Dataset;

        // When
        var domain = PreparedDomain.Prepare(ds);

        // Then: all 4905 Office users have 5+ interactions and no repeats (checked with Python)
        Assert.Equal(4905, domain.Test.Count);
        Assert.Equal(491, domain.Validation.Count); // round(0.1 * 4905)
        Assert.Equal(4905 - 491, domain.Train.Count);
        Assert.Equal(53258, domain.Test.Sum(s => s.Items.Length));
        Assert.Empty(domain.Train.Select(s => s.UserId).Intersect(domain.Validation.Select(s => s.UserId)));
        var test = domain.Test.ToDictionary(s => s.UserId);
        Assert.All(domain.Train.Concat(domain.Validation), s => Assert.Equal(test[s.UserId].Items[..^1], s.Items));
        Assert.All(domain.Test, s => Assert.True(s.Times.Zip(s.Times.Skip(1)).All(p => p.First <= p.Second)));
    }

    [Fact]
    public void Prepare_should_give_identical_splits_and_fingerprint_when_the_seed_is_the_same()
    {
        // Given
        var ds = DatasetImporters.Import("tsv", RepoPaths.SharedData("tiny/amazon_scientific_tiny"), "tiny").Dataset;

        // When
        var a = PreparedDomain.Prepare(ds);
        var b = PreparedDomain.Prepare(ds);
        var other = PreparedDomain.Prepare(ds, new PreparationOptions { Seed = 7 });

        // Then
        Assert.Equal(a.Validation.Select(s => s.UserId), b.Validation.Select(s => s.UserId));
        Assert.Equal(a.Fingerprint, b.Fingerprint);
        Assert.Equal(64, a.Fingerprint.Length);
        Assert.NotEqual(a.Validation.Select(s => s.UserId), other.Validation.Select(s => s.UserId));
        Assert.NotEqual(a.Fingerprint, other.Fingerprint);
        Assert.Equal(10, a.Validation.Count);
    }

    [Fact]
    public void Prepare_should_remove_repeats_when_the_source_has_them()
    {
        // Given: Scientific sequences hold 140 consecutive repeats (counted with Python over the test rows)
        var ds = DatasetImporters.Import("recbole", RepoPaths.SharedData("amazon2018-scientific"), "scientific").Dataset;

        // When
        var domain = PreparedDomain.Prepare(ds);

        // Then
        Assert.All(domain.Test, s => Assert.DoesNotContain(s.Items.Zip(s.Items.Skip(1)), p => p.First == p.Second));
        Assert.True(domain.Test.Sum(s => s.Items.Length) <= 59427 - 140);
        Assert.Equal(4385, domain.ItemCount);
    }

    private static InteractionOccurred At(string user, string item, long time) =>
        new(1, user, item, DateTimeOffset.FromUnixTimeSeconds(time));
}
