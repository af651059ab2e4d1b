namespace ZesRec.Streaming.Storage;

/// <summary>
/// The store holds rows of this model, prepared by <c>zesrec upgrade</c>, but another model still serves it. Not a
/// configuration error: the processor retries (back-off of at most 5 s), so one started before the switch takes
/// over right after it.
/// </summary>
public sealed class ModelVersionPendingException(string message) : Exception(message);
