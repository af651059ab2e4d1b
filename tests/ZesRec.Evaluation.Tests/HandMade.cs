using ZesRec.Data;
using ZesRec.Data.Events;

namespace ZesRec.Evaluation.Tests;

/// <summary>Small domains written out by hand, so every expected rank can be worked out on paper.</summary>
internal static class HandMade
{
    public static UserSequence User(string id, params int[] items) =>
        new(id, items, [.. Enumerable.Range(0, items.Length).Select(i => (long)i)]);

    public static EventLogDataset Dataset(string name, string[] items, params (string User, string Item)[] interactions) =>
        new(
            name,
            "test",
            [.. items.Select(i => new ItemCreated(ItemCreated.CurrentVersion, i, "text of " + i))],
            [.. interactions.Select((x, k) => new InteractionOccurred(InteractionOccurred.CurrentVersion, x.User, x.Item, Position: k))]);
}
