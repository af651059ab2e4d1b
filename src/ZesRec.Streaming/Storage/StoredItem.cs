namespace ZesRec.Streaming.Storage;

/// <summary>A stored item; <paramref name="RemovedAt"/> is set once an item-removed event took it out of the candidates.</summary>
public sealed record StoredItem(string ItemId, string Text, float[] Embedding, DateTimeOffset? CreatedAt, DateTimeOffset? RemovedAt = null);
