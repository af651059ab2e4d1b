namespace ZesRec.Streaming.Storage;

public sealed record StoredItem(string ItemId, string Text, float[] Embedding, DateTimeOffset? CreatedAt);
