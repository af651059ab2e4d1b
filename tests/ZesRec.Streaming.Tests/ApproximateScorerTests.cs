using CsCheck;
using ZesRec.Model;
using ZesRec.Streaming.Serving;
using static TorchSharp.torch;

namespace ZesRec.Streaming.Tests;

/// <summary>
/// The approximate scorer against the exact one over a real USearch index: with the search as broad as the
/// catalogue it returns the exact top-k, and the index follows items added, updated, removed and expired.
/// </summary>
public sealed class ApproximateScorerTests
{
    private const int Dim = 16;

    [Fact]
    public void Rerank_should_keep_the_best_k_distinct_candidates_by_score_without_excluded_rows()
    {
        var candidates = Gen.Select(Gen.Int[0, 30], Gen.Float[-4f, 4f]).Array[0, 60];
        Gen.Select(candidates, Gen.Int[0, 30].HashSet[0, 10], Gen.Int[1, 25]).Sample((pairs, excluded, k) =>
        {
            var rows = pairs.Select(p => p.Item1).ToArray();
            var scores = pairs.Select(p => p.Item2).ToArray();

            var ranked = ApproximateScorer.Rerank(rows, scores, excluded.Contains, k);

            // The first occurrence of a row carries its score; the rest is a plain sort
            var expected = pairs.GroupBy(p => p.Item1).Select(g => (Row: g.Key, Score: g.First().Item2))
                .Where(p => !excluded.Contains(p.Row))
                .OrderByDescending(p => p.Score).ThenBy(p => p.Row).Take(k).ToArray();
            Assert.Equal(expected, ranked);
        });
    }

    [Fact]
    public void A_search_as_broad_as_the_catalogue_should_return_the_exact_top_k_as_items_change()
    {
        // Given a catalogue of 300 random items with an index, and a scorer that asks for every item
        manual_seed(11);
        using var model = new ZesRecModel(new ZesRecConfig { Dim = Dim }, textDim: 8, sourceItems: 1);
        model.eval();
        using var catalog = new ItemCatalog(Dim, CPU, index: new CandidateIndex(Dim, threads: 2));
        using var recommender = new Recommender(model, catalog, CPU);
        var approximate = new ApproximateScorer(recommender, catalog, candidates: 1000);
        var ids = Enumerable.Range(0, 300).Select(i => $"item{i}").ToArray();
        catalog.Upsert(ids, randn(300, Dim));
        var random = new Random(4);
        var states = recommender.StartStates([.. Enumerable.Range(0, 40).Select(i => (long)i)]);
        states = recommender.Step(states, [.. Enumerable.Range(0, 40).Select(_ => random.Next(300))], [.. Enumerable.Range(0, 40).Select(i => (long)i + 1)]);
        var seen = Enumerable.Range(0, 40).Select(_ => (IReadOnlySet<string>)Enumerable.Range(0, 5).Select(_ => ids[random.Next(300)]).ToHashSet()).ToArray();

        // Then it equals the matrix scorer: same items, same order, same scores
        AssertSame(recommender.TopK(states, seen, 20), approximate.TopK(states, seen, 20));
        Assert.Equal(300, catalog.Index!.Count);

        // When the best item of user 0 is removed, 50 items are updated, 100 are added, and one expires
        var best = approximate.TopK(states, seen, 1)[0][0].ItemId;
        catalog.Remove([best]);
        catalog.Upsert(ids[100..150], randn(50, Dim));
        var added = Enumerable.Range(300, 100).Select(i => $"item{i}").ToArray();
        catalog.Upsert(added, randn(100, Dim), [.. added.Select((_, i) => new CatalogState(i == 0 ? DateTimeOffset.UnixEpoch : DateTimeOffset.UtcNow, false))]);
        Assert.Equal(1, catalog.Expire(DateTimeOffset.UtcNow, TimeSpan.FromDays(1)));

        // Then the index holds exactly the visible items, and the approximate top-k still equals the exact one
        Assert.Equal(catalog.CandidateCount, catalog.Index.Count);
        var after = approximate.TopK(states, seen, 20);
        AssertSame(recommender.TopK(states, seen, 20), after);
        Assert.DoesNotContain(after.SelectMany(r => r), r => r.ItemId == best || r.ItemId == added[0]);

        // When the removed item comes back and the expired one is created anew
        catalog.Upsert([best, added[0]], randn(2, Dim), [new CatalogState(null, false), new CatalogState(DateTimeOffset.UtcNow, false)]);
        Assert.Equal(0, catalog.Expire(DateTimeOffset.UtcNow.AddSeconds(1), TimeSpan.FromDays(1)));

        // Then both are candidates again: all 400 items
        Assert.Equal(400, catalog.CandidateCount);
        Assert.Equal(400, catalog.Index.Count);
        AssertSame(recommender.TopK(states, seen, 20), approximate.TopK(states, seen, 20));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_search_breadth_as_large_as_the_catalogue_should_return_the_exact_top_k_from_few_candidates(bool bfloat16)
    {
        // Given 3,000 random items, a graph of 32-bit or bfloat16 vectors, and a scorer that asks it for only 20
        // candidates (40 from the bfloat16 graph, whose rounded distances may swap the items around the 20th)
        manual_seed(12);
        using var model = new ZesRecModel(new ZesRecConfig { Dim = Dim }, textDim: 8, sourceItems: 1);
        model.eval();
        using var catalog = new ItemCatalog(Dim, CPU, index: new CandidateIndex(Dim, threads: 2, searchBreadth: 8, bfloat16: bfloat16));
        using var recommender = new Recommender(model, catalog, CPU);
        var approximate = new ApproximateScorer(recommender, catalog, candidates: bfloat16 ? 40 : 20);
        catalog.Upsert([.. Enumerable.Range(0, 3000).Select(i => $"item{i}")], randn(3000, Dim));
        var random = new Random(5);
        var states = recommender.StartStates([.. Enumerable.Range(0, 64).Select(i => (long)i)]);
        states = recommender.Step(states, [.. Enumerable.Range(0, 64).Select(_ => random.Next(3000))], [.. Enumerable.Range(0, 64).Select(i => (long)i + 1)]);
        var seen = Enumerable.Range(0, 64).Select(_ => (IReadOnlySet<string>)new HashSet<string>()).ToArray();

        // When the search breadth is raised to the catalogue's size
        Assert.Throws<ArgumentOutOfRangeException>(() => catalog.Index!.SearchBreadth = 0);
        catalog.Index!.SearchBreadth = 3000;

        // Then the candidates hold the exact top 20 of every user, ranked by their exact 32-bit scores
        Assert.Equal(3000, catalog.Index.SearchBreadth);
        AssertSame(recommender.TopK(states, seen, 20), approximate.TopK(states, seen, 20));
    }

    [Fact]
    public void A_denser_graph_should_find_more_of_the_exact_top_k_at_the_same_search_breadth()
    {
        // Given the same 5,000 random items in a sparse graph (4 links per item) and a dense one (64)
        manual_seed(13);
        using var model = new ZesRecModel(new ZesRecConfig { Dim = Dim }, textDim: 8, sourceItems: 1);
        model.eval();
        var ids = Enumerable.Range(0, 5000).Select(i => $"item{i}").ToArray();
        using var items = randn(5000, Dim);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CandidateIndex(Dim, threads: 1, connectivity: 1));
        using var sparse = new ItemCatalog(Dim, CPU, index: new CandidateIndex(Dim, threads: 2, searchBreadth: 20, connectivity: 4));
        using var dense = new ItemCatalog(Dim, CPU, index: new CandidateIndex(Dim, threads: 2, searchBreadth: 20, connectivity: 64));
        sparse.Upsert(ids, items);
        dense.Upsert(ids, items);
        using var recommender = new Recommender(model, dense, CPU);
        var states = recommender.StartStates([.. Enumerable.Range(0, 200).Select(i => (long)i)]);
        var random = new Random(6);
        states = recommender.Step(states, [.. Enumerable.Range(0, 200).Select(_ => random.Next(5000))], [.. Enumerable.Range(0, 200).Select(i => (long)i + 1)]);
        var seen = Enumerable.Range(0, 200).Select(_ => (IReadOnlySet<string>)new HashSet<string>()).ToArray();
        var exact = recommender.TopK(states, seen, 20);

        // When each is asked for 20 candidates with a search breadth of 20
        double Recall(ItemCatalog catalog) => new ApproximateScorer(recommender, catalog, candidates: 20).TopK(states, seen, 20)
            .Zip(exact).Average(p => p.First.Count(f => p.Second.Any(e => e.ItemId == f.ItemId)) / 20.0);
        var sparseRecall = Recall(sparse);
        var denseRecall = Recall(dense);

        // Then the dense graph finds clearly more of the exact top 20
        Assert.True(denseRecall > sparseRecall + 0.2, $"recall@20: dense {denseRecall:F3}, sparse {sparseRecall:F3}");
    }

    private static void AssertSame(IReadOnlyList<(string ItemId, float Score)[]> exact, IReadOnlyList<(string ItemId, float Score)[]> approximate)
    {
        Assert.Equal(exact.Count, approximate.Count);
        for (var b = 0; b < exact.Count; b++)
        {
            Assert.Equal(exact[b].Select(r => r.ItemId), approximate[b].Select(r => r.ItemId));
            // One product over the whole matrix and one per candidate add in different orders: the last bits may differ.
            Assert.All(exact[b].Zip(approximate[b]), p => Assert.True(Math.Abs(p.First.Score - p.Second.Score) <= 1e-5 * Math.Max(1, Math.Abs(p.First.Score)), $"{p.First} vs {p.Second}"));
        }
    }
}
