using ZesRec.Data;
using ZesRec.Evaluation.Guards;
using ZesRec.Evaluation.Metrics;

namespace ZesRec.Evaluation.Tests;

public sealed class GuardTests
{
    [Fact]
    public void LeakageGuard_should_fire_when_target_shares_an_item_with_the_source()
    {
        // Given item "shared" in both domains
        var source = HandMade.Dataset("src", ["s1", "shared"], ("a", "s1"), ("a", "shared"));
        var target = HandMade.Dataset("tgt", ["t1", "shared"], ("b", "t1"), ("b", "shared"));

        // When
        var error = Assert.Throws<LeakageException>(() => LeakageGuard.AssertDisjoint(source, target, compareUsers: true));

        // Then
        Assert.Contains("shares 1 items and 0 users", error.Message, StringComparison.Ordinal);
        Assert.Contains("shared", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LeakageGuard_should_fire_when_target_shares_a_user_and_pass_after_removal()
    {
        // Given user "a" in both domains
        var source = HandMade.Dataset("src", ["s1", "s2"], ("a", "s1"), ("a", "s2"));
        var target = HandMade.Dataset("tgt", ["t1", "t2"], ("a", "t1"), ("a", "t2"), ("b", "t1"), ("b", "t2"));

        // When
        Assert.Throws<LeakageException>(() => LeakageGuard.AssertDisjoint(source, target, compareUsers: true));
        var cleaned = LeakageGuard.RemoveOverlap(source, target, compareUsers: true).Cleaned;

        // Then: the cleaned target keeps only user b, and the guard is quiet
        Assert.All(cleaned.Interactions, i => Assert.Equal("b", i.UserId));
        LeakageGuard.AssertDisjoint(source, cleaned, compareUsers: true);
    }

    [Fact]
    public void ScoreSanity_should_warn_when_ndcg20_is_above_one_half()
    {
        // Given one implausible and one plausible result
        var rows = new[]
        {
            new ResultRow("main", "Leaky", "seed 1", "last-item", 0, new MetricSet(0.62, 0.9, 0.6, 0.8, 0.55, 100), 1),
            new ResultRow("main", "Fine", "seed 1", "last-item", 0, new MetricSet(0.08, 0.15, 0.06, 0.1, 0.05, 100), 1),
        };

        // When
        var warnings = ScoreSanity.Warnings(rows);

        // Then
        var warning = Assert.Single(warnings);
        Assert.Contains("Leaky", warning, StringComparison.Ordinal);
        Assert.Contains("0.620", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void TemporalGuard_should_pass_when_the_domain_is_prepared_leave_last_out()
    {
        // Given a domain prepared as for evaluation
        var ds = HandMade.Dataset("d", ["i0", "i1", "i2"], ("a", "i0"), ("a", "i1"), ("a", "i2"), ("b", "i2"), ("b", "i0"));
        var domain = PreparedDomain.Prepare(ds, new PreparationOptions { ValidationFraction = 0.5 });

        // When / Then: no exception, and each test target is the last item of the full sequence
        TemporalGuard.Check(domain);
        Assert.Equal(2, domain.Test.Count);
    }
}
