namespace RecommendationSubscriber;

/// <summary>What the subscriber did with one message.</summary>
public enum Outcome
{
    /// <summary>New: the user's recommendations were replaced.</summary>
    Applied,

    /// <summary>An event id seen before (zesrec delivers at least once): dropped.</summary>
    Repeat,

    /// <summary>From a model older than the newest one seen, while both publish during an upgrade: dropped.</summary>
    OlderModel,

    /// <summary>Not a version-1 recommendation: skipped (and logged), the stream goes on.</summary>
    Invalid,
}
