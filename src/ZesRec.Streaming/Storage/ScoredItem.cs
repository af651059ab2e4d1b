namespace ZesRec.Streaming.Storage;

/// <summary>An item and the inner product of its embedding with the query.</summary>
public readonly record struct ScoredItem(string ItemId, float Score);
