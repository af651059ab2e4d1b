namespace ZesRec.Streaming.Storage;

/// <summary>
/// The store refused a write for a reason no record of the batch causes (another model serves it, another member owns
/// the partition now). The poison guard does not isolate records for such a failure: every one would be refused alike.
/// </summary>
public interface IStoreRefusal;
