namespace ZesRec.Streaming.Replay;

public enum ReplayPhase
{
    Items,
    Interactions,
}
