namespace ZesRec.Data;

/// <summary>Users and items found in both datasets, and the chosen side with them removed.</summary>
public sealed record DomainOverlapResult(
    IReadOnlyList<string> SharedItemIds,
    IReadOnlyList<string> SharedUserIds,
    OverlapSide DroppedFrom,
    EventLogDataset Cleaned,
    int RemovedInteractions);
