namespace ZesRec.Streaming.Adaptation;

public enum AdaptationDecision
{
    Promoted,
    Rejected,
    Skipped,
}

/// <summary>One round: what was decided and why, the two scores, and what it cost.</summary>
public sealed record AdaptationOutcome(
    AdaptationDecision Decision,
    string Reason,
    string ServingVersion,
    string? CandidateVersion = null,
    HeldOutScore? Serving = null,
    HeldOutScore? Candidate = null,
    long TrainInteractions = 0,
    double TrainingSeconds = 0,
    double UpgradeSeconds = 0);
