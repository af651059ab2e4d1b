namespace ZesRec.Evaluation;

/// <summary>
/// What is predicted and what may be recommended. The default (last item, seen items allowed) is the paper's
/// offline protocol; <c>ExcludeSeen</c> with <c>AllPositions</c> is what the live processor measures online.
/// </summary>
public sealed record EvaluationProtocol(bool AllPositions, bool ExcludeSeen)
{
    public static EvaluationProtocol Paper { get; } = new(false, false);

    public string Name => (AllPositions ? "all-positions" : "last-item") + (ExcludeSeen ? "+exclude-seen" : "");
}
