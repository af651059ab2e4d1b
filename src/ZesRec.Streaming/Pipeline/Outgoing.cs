namespace ZesRec.Streaming.Pipeline;

/// <summary>A message to publish; <paramref name="SourceTimestamp"/> is set on recommendations for latency.</summary>
public sealed record Outgoing(string Topic, string? Key, byte[] Value, DateTime? SourceTimestamp = null);
