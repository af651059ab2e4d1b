namespace ZesRec.Streaming.Replay;

/// <summary>Messages handed to the producer so far in one phase (not yet necessarily acknowledged).</summary>
public readonly record struct ReplayProgress(ReplayPhase Phase, int Sent, int Total, TimeSpan Elapsed);
