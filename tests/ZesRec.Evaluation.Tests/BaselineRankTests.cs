using ZesRec.Evaluation.Rankers;
using static TorchSharp.torch;

namespace ZesRec.Evaluation.Tests;

public sealed class BaselineRankTests
{
    [Fact]
    public void Pop_should_rank_by_training_counts_when_evaluating_last_items()
    {
        // Given training counts item 0: 1, item 1: 3, item 2: 2, item 3: 0
        var training = new[] { HandMade.User("a", 1, 2, 1), HandMade.User("b", 2, 1, 0) };
        var pop = new PopularityRanker(4, training);
        var test = new[] { HandMade.User("x", 3, 1), HandMade.User("y", 1, 2), HandMade.User("z", 2, 0) };

        // When
        var outcome = Evaluator.Evaluate(pop, test, EvaluationProtocol.Paper, 1);

        // Then: item 1 is first, item 2 second, item 0 third
        Assert.Equal([1L, 2L, 3L], outcome.Ranks);
    }

    [Fact]
    public void Pop_should_rank_every_position_and_drop_seen_items_when_all_positions_exclude_seen()
    {
        // Given counts 1 > 2 > 0 > 3 and a user 1 → 2 → 0
        var pop = new PopularityRanker(4, [HandMade.User("a", 1, 2, 1), HandMade.User("b", 2, 1, 0)]);
        var test = new[] { HandMade.User("x", 1, 2, 0) };

        // When
        var outcome = Evaluator.Evaluate(pop, test, new EvaluationProtocol(true, true), 1);

        // Then: position 0 nothing seen (item 1 first); position 1 item 1 seen, so item 2 moves up; position 2 items 1, 2 seen
        Assert.Equal([1L, 1L, 1L], outcome.Ranks);
        Assert.Equal(1.0, outcome.Metrics.Ndcg20, 12);
    }

    [Fact]
    public void EmbKnn_should_rank_by_similarity_to_the_mean_history_embedding()
    {
        // Given 2-d text embeddings; the user saw items 0 and 1, mean (0.5, 0.5)
        using var embeddings = tensor(new float[] { 1, 0, 0, 1, 0.9f, 0.8f, -1, 0.2f, 0.3f, 0.3f }, [5, 2]);
        var knn = new EmbKnnRanker(embeddings);

        // When: scores are 0.5, 0.5, 0.85, -0.4, 0.3 → item 2 first, items 0/1 tie for 2nd and 3rd, item 4 fourth
        var toItem2 = Evaluator.Evaluate(knn, [HandMade.User("u", 0, 1, 2)], EvaluationProtocol.Paper, 1);
        var toItem4 = Evaluator.Evaluate(knn, [HandMade.User("u", 0, 1, 4)], EvaluationProtocol.Paper, 1);
        var toItem3 = Evaluator.Evaluate(knn, [HandMade.User("u", 0, 1, 3)], EvaluationProtocol.Paper, 1);
        var seenExcluded = Evaluator.Evaluate(knn, [HandMade.User("u", 0, 1, 4)], new EvaluationProtocol(false, true), 1);

        // Then
        Assert.Equal([1L], toItem2.Ranks);
        Assert.Equal([4L], toItem4.Ranks);
        Assert.Equal([5L], toItem3.Ranks);
        Assert.Equal([2L], seenExcluded.Ranks);
    }

    [Fact]
    public void Random_should_score_near_chance_when_ranking_many_items()
    {
        // Given 2,000 users and 100 items: a random ranker puts the target in the top 20 about 20% of the time
        var users = Enumerable.Range(0, 2000).Select(i => HandMade.User($"u{i}", i % 100, (i * 7) % 100)).ToList();

        // When
        var outcome = Evaluator.Evaluate(new RandomRanker(100, 3), users, EvaluationProtocol.Paper, 3);

        // Then
        Assert.InRange(outcome.Metrics.Recall20, 0.17, 0.23);
    }
}
