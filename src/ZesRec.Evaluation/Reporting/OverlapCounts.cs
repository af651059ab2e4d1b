namespace ZesRec.Evaluation.Reporting;

/// <summary>What the overlap guard found between source and target, and what it removed from the target.</summary>
public sealed record OverlapCounts(string Source, int SharedItems, int SharedUsers, bool UsersCompared, int RemovedInteractions);
