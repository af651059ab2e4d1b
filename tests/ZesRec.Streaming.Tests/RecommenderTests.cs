using ZesRec.Model;
using ZesRec.Streaming.Serving;
using static TorchSharp.torch;

namespace ZesRec.Streaming.Tests;

public sealed class RecommenderTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TopK_should_equal_a_full_sort_of_fresh_scores_when_batches_and_the_catalogue_change_size_between_calls(bool shortlist)
    {
        // Given a small untrained GRU4Rec model and a catalogue that grows between calls, so the reused score
        // buffer (and the bfloat16 copy of the catalogue, with the shortlist) is read at several shapes and grown once
        manual_seed(3);
        using var model = new ZesRecModel(new ZesRecConfig { Dim = 16 }, textDim: 8, sourceItems: 1);
        model.eval();
        using var catalog = new ItemCatalog(16, CPU, initialCapacity: 64, shortlistCopy: shortlist);
        using var recommender = new Recommender(model, catalog, CPU) { Shortlist = shortlist };
        var random = new Random(5);
        var added = 0;

        foreach (var (newItems, users) in new[] { (40, 7), (25, 30), (300, 3), (0, 12) })
        {
            if (newItems > 0)
            {
                catalog.Upsert([.. Enumerable.Range(added, newItems).Select(i => $"item{i}")], randn(newItems, 16));
                added += newItems;
            }

            var states = recommender.StartStates([.. Enumerable.Range(0, users).Select(i => (long)i)]);
            states = recommender.Step(states, [.. Enumerable.Range(0, users).Select(_ => random.Next(added))], [.. Enumerable.Range(0, users).Select(i => (long)i + 1)]);
            var seen = Enumerable.Range(0, users).Select(_ => (IReadOnlySet<string>)Enumerable.Range(0, 3).Select(_ => $"item{random.Next(added)}").ToHashSet()).ToArray();

            // When
            var ranked = recommender.TopK(states, seen, 10);

            // Then: the same items in the same order as sorting freshly computed 32-bit scores, with those scores
            using var scope = NewDisposeScope();
            var userVectors = recommender.UserVectors(states);
            var expected = catalog.Read((items, ids) =>
            {
                using var scores = model.Scores(tensor(userVectors.SelectMany(v => v).ToArray(), [users, 16]), items);
                var data = scores.data<float>().ToArray();
                return Enumerable.Range(0, users).Select(b => Enumerable.Range(0, ids.Count)
                    .Where(c => !seen[b].Contains(ids[c]))
                    .OrderByDescending(c => data[(b * ids.Count) + c]).ThenBy(c => c)
                    .Take(10).Select(c => (ids[c], data[(b * ids.Count) + c])).ToArray()).ToArray();
            });
            Assert.Equal(users, ranked.Count);
            for (var b = 0; b < users; b++)
            {
                Assert.Equal(expected[b].Select(e => e.Item1), ranked[b].Select(r => r.ItemId));
                Assert.All(expected[b].Zip(ranked[b]), p => Assert.True(Math.Abs(p.First.Item2 - p.Second.Score) <= 1e-5 * Math.Max(1, Math.Abs(p.First.Item2)), $"{p.First} vs {p.Second}"));
            }
        }
    }
}
