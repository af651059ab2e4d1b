using ZesRec.Model.Training;

namespace ZesRec.Streaming.Adaptation;

/// <summary>How <c>zesrec adapt</c> fine-tunes, validates and promotes (docs/streaming.md, "Online adaptation").</summary>
public sealed record AdaptationSettings
{
    /// <summary>The model folder the store was first served with (or a link that adapt repoints to each promoted model).</summary>
    public required string ModelDir { get; init; }

    /// <summary>Where promoted models are written, one folder per model version.</summary>
    public required string ModelsDir { get; init; }

    /// <summary>The most recent fraction of the consumed interactions held out to validate a candidate.</summary>
    public double HeldOutFraction { get; init; } = 0.1;

    /// <summary>Below this many held-out interactions a round is skipped: the comparison would be noise.</summary>
    public int MinHeldOut { get; init; } = 50;

    /// <summary>How much higher (absolute) the candidate's held-out NDCG@20 must be to be promoted.</summary>
    public double MinGain { get; init; }

    /// <summary>
    /// How many standard errors of the paired per-interaction difference the candidate's gain must reach
    /// (<see cref="PromotionGuard"/>); 0 turns the test off.
    /// </summary>
    public double MinZ { get; init; } = PromotionGuard.DefaultMinZ;

    /// <summary>
    /// Whether fine-tuning's softmax runs over the items the training slice consumed only (true) or over the whole
    /// stored catalogue (false), where every item nobody has had yet is a negative of every position.
    /// </summary>
    public bool ConsumedItemsOnly { get; init; } = true;

    /// <summary>Fine-tuning passes over the training part (the most, with <see cref="InnerHeldOutFraction"/>).</summary>
    public int Epochs { get; init; } = 20;

    public double LearningRate { get; init; } = 0.0005;

    /// <summary>Which weights fine-tuning moves (<see cref="FineTuneScope"/>).</summary>
    public FineTuneScope Tune { get; init; } = FineTuneScope.All;

    /// <summary>The strength of fine-tuning's L2 pull toward the serving weights (<see cref="FineTuner.Anchor"/>); 0 turns it off.</summary>
    public double Anchor { get; init; }

    /// <summary>
    /// Early stopping: the most recent fraction of the training part held out again (split by time as the round's
    /// own held-out slice) to score the candidate, by NDCG@20, before the first epoch and after each; the candidate
    /// keeps its best epoch's weights (the serving weights when no epoch beats them). 0 turns it off: every epoch
    /// runs on the whole training part.
    /// </summary>
    public double InnerHeldOutFraction { get; init; } = 0.1;

    /// <summary>
    /// With early stopping, start again from the serving weights once the best epoch count is known and train that
    /// many epochs on the whole training part, the inner slice included (its most recent interactions).
    /// </summary>
    public bool Refit { get; init; }

    /// <summary>With early stopping, epochs without a better inner score before fine-tuning stops.</summary>
    public int Patience { get; init; } = 3;

    /// <summary>Items embedded, or users rebuilt, per committed batch of the upgrade a promotion starts.</summary>
    public int UpgradeBatchSize { get; init; } = 256;
}
