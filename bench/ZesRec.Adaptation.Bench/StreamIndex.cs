using ZesRec.Data;
using ZesRec.Data.Events;

namespace ZesRec.Adaptation.Bench;

/// <summary>
/// A target stream in time order (a stable sort by order key, as the replay sends it) and each user's sequence of
/// item indices, with the stream position of every element, so offline rankers are scored event by event.
/// </summary>
internal sealed class StreamIndex
{
    public StreamIndex(EventLogDataset target)
    {
        Ordered = [.. target.Interactions.OrderBy(i => i.OrderKey)];
        ItemTexts = [.. target.Items.Select(i => i.Text)];
        var index = target.Items.Select((item, i) => (item.ItemId, i)).ToDictionary(x => x.ItemId, x => x.i, StringComparer.Ordinal);
        var byUser = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var s = 0; s < Ordered.Count; s++)
        {
            if (!byUser.TryGetValue(Ordered[s].UserId, out var list))
            {
                byUser[Ordered[s].UserId] = list = [];
            }

            list.Add(s);
        }

        foreach (var (user, positions) in byUser)
        {
            Users.Add(new UserSequence(user, [.. positions.Select(s => index[Ordered[s].ItemId])], [.. positions.Select(s => Ordered[s].OrderKey)]));
            Positions.Add([.. positions]);
        }
    }

    public List<InteractionOccurred> Ordered { get; }

    public List<string> ItemTexts { get; }

    /// <summary>Every user's whole sequence, in order of first appearance.</summary>
    public List<UserSequence> Users { get; } = [];

    /// <summary>The stream position of each element of <see cref="Users"/>.</summary>
    public List<int[]> Positions { get; } = [];

    /// <summary>Each user's interactions before stream position <paramref name="end"/>; users with fewer than two left out.</summary>
    public List<UserSequence> Prefix(int end) =>
        [.. Users.Zip(Positions)
            .Select(x => (x.First, Count: x.Second.Count(s => s < end)))
            .Where(x => x.Count >= 2)
            .Select(x => new UserSequence(x.First.UserId, x.First.Items[..x.Count], x.First.Times[..x.Count]))];
}
