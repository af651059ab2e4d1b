namespace ZesRec.Streaming.Upgrade;

/// <summary>An upgrade that cannot proceed on this store (no serving model, another dimension): one sentence.</summary>
public sealed class UpgradeException(string message) : Exception(message);
