namespace ZesRec.Streaming.Adaptation;

/// <summary>Adaptation cannot run on this store with these folders (no serving model, its folder not found): one sentence.</summary>
public sealed class AdaptationException(string message) : Exception(message);
