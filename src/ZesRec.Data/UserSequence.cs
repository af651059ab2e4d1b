namespace ZesRec.Data;

/// <summary>One user's items (dense item indices) in order, with each item's order key (unix seconds or position).</summary>
public sealed record UserSequence(string UserId, int[] Items, long[] Times);
