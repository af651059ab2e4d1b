namespace RecommendationSubscriber;

/// <summary>
/// The last <c>capacity</c> event ids, oldest forgotten first. Repeats come from zesrec re-processing a batch after a
/// restart, so they follow the original closely; a window of recent ids catches them in bounded memory.
/// </summary>
public sealed class RecentIds(int capacity)
{
    private readonly HashSet<string> ids = new(StringComparer.Ordinal);
    private readonly Queue<string> order = new();

    /// <summary>Adds the id; false when it is already among the recent ones.</summary>
    public bool Add(string id)
    {
        if (!ids.Add(id))
        {
            return false;
        }

        order.Enqueue(id);
        if (order.Count > capacity)
        {
            ids.Remove(order.Dequeue());
        }

        return true;
    }
}
