using ZesRec.Model.Training;
using static TorchSharp.torch;

namespace ZesRec.Model.Tests;

/// <summary>The options of <see cref="FineTuner"/> (<c>zesrec adapt</c>'s fine-tuning) on the synthetic domain.</summary>
public sealed class FineTunerTests
{
    [Theory]
    [InlineData(FineTuneScope.All)]
    [InlineData(FineTuneScope.User)]
    [InlineData(FineTuneScope.Items)]
    public void Tune_should_move_exactly_the_weights_of_its_scope(FineTuneScope scope)
    {
        // Given a model and the next-item sequences of the synthetic domain
        using var text = SyntheticDomain.TextEmbeddings();
        var sequences = SyntheticDomain.Sequences(60, seed: 5);
        using var model = NewModel();
        var start = Weights(model);

        // When it fine-tunes within the scope
        new FineTuner(model, text, CPU) { Epochs = 2, LearningRate = 0.05, Scope = scope }.Tune(sequences);

        // Then the weights of the scope moved and every other kept its value (the offsets always do)
        var tuned = Weights(model);
        foreach (var name in start.Keys)
        {
            var itemPart = name.StartsWith("itemLayer.", StringComparison.Ordinal);
            var learns = name != "offsets" && scope switch
            {
                FineTuneScope.User => !itemPart && name != "dummy",
                FineTuneScope.Items => itemPart,
                _ => true,
            };
            Assert.True(learns != Same(start[name], tuned[name]), $"{name} {(learns ? "did not move" : "moved")} under {scope}");
        }

        // And every parameter can learn again afterwards
        Assert.All(model.parameters(), p => Assert.True(p.requires_grad));
    }

    [Fact]
    public void Anchor_should_keep_the_weights_nearer_to_where_they_started()
    {
        using var text = SyntheticDomain.TextEmbeddings();
        var sequences = SyntheticDomain.Sequences(60, seed: 5);
        using var free = NewModel();
        using var anchored = NewModel();
        var start = Weights(free);

        new FineTuner(free, text, CPU) { Epochs = 3, LearningRate = 0.05 }.Tune(sequences);
        new FineTuner(anchored, text, CPU) { Epochs = 3, LearningRate = 0.05, Anchor = 50 }.Tune(sequences);

        var moved = Distance(start, Weights(free));
        var pulled = Distance(start, Weights(anchored));
        Assert.True(pulled < 0.8 * moved, $"anchored moved {pulled:F4}, free {moved:F4}");
        Assert.True(pulled > 0);
    }

    [Fact]
    public void Early_stopping_should_keep_the_best_epochs_weights_and_stop_after_patience_epochs_without_a_better_score()
    {
        // Given validation scores that peak after the first epoch, then fall twice
        using var text = SyntheticDomain.TextEmbeddings();
        var sequences = SyntheticDomain.Sequences(60, seed: 5);
        using var stopped = NewModel();
        var scores = new Queue<double>([0.10, 0.30, 0.20, 0.25, 0.90, 0.95]);

        // When fine-tuning for at most 10 epochs with a patience of 2
        var result = new FineTuner(stopped, text, CPU) { Epochs = 10, LearningRate = 0.05, Validate = scores.Dequeue, Patience = 2 }.Tune(sequences);

        // Then it ran 3 epochs and holds the first epoch's weights: those of a fine-tuning of one epoch
        Assert.Equal(1, result.BestEpoch);
        Assert.Equal(3, result.EpochsRun);
        Assert.Equal([0.10, 0.30, 0.20, 0.25], result.Validation);
        using var oneEpoch = NewModel();
        new FineTuner(oneEpoch, text, CPU) { Epochs = 1, LearningRate = 0.05 }.Tune(sequences);
        var expected = Weights(oneEpoch);
        Assert.All(Weights(stopped), p => Assert.True(Same(expected[p.Key], p.Value), p.Key));
    }

    [Fact]
    public void Early_stopping_should_give_back_the_starting_weights_when_no_epoch_scores_better()
    {
        using var text = SyntheticDomain.TextEmbeddings();
        var sequences = SyntheticDomain.Sequences(60, seed: 5);
        using var model = NewModel();
        var start = Weights(model);
        var scores = new Queue<double>([0.5, 0.4, 0.5]);

        var result = new FineTuner(model, text, CPU) { Epochs = 5, LearningRate = 0.05, Validate = scores.Dequeue, Patience = 2 }.Tune(sequences);

        Assert.Equal(0, result.BestEpoch);
        Assert.Equal(2, result.EpochsRun);
        Assert.All(Weights(model), p => Assert.True(Same(start[p.Key], p.Value), p.Key));
    }

    private static ZesRecModel NewModel()
    {
        manual_seed(11);
        return new ZesRecModel(SyntheticDomain.Config("tcn"), SyntheticDomain.TextDim, SyntheticDomain.Items);
    }

    private static Dictionary<string, float[]> Weights(ZesRecModel model) =>
        model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().cpu().data<float>().ToArray());

    private static bool Same(float[] a, float[] b) => a.AsSpan().SequenceEqual(b);

    private static double Distance(Dictionary<string, float[]> a, Dictionary<string, float[]> b) =>
        Math.Sqrt(a.Keys.Sum(k => a[k].Zip(b[k]).Sum(p => (double)(p.First - p.Second) * (p.First - p.Second))));
}
