using System.Text;
using ZesRec.Data;
using ZesRec.Data.Events;

namespace ZesRec.Streaming.Replay;

/// <summary>
/// A JSON Lines file of item events (item-created, item-updated, item-removed; schemas/events), for
/// <c>zesrec replay --item-events</c>. Every line is checked by the processor's own parser before anything is sent,
/// so a bad line stops the replay with its file and line instead of becoming a dead letter.
/// </summary>
public static class ItemEventFile
{
    /// <summary>The lines in file order, each with its item id (the message key); blank lines are skipped.</summary>
    public static IReadOnlyList<(string ItemId, byte[] Value)> Load(string path, EventParser? parser = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new DatasetFormatException(path, null, "file not found; give a JSON Lines file of item events (schemas/events/README.md)");
        }

        parser ??= new EventParser();
        var events = new List<(string, byte[])>();
        var number = 0;
        foreach (var line in File.ReadLines(path, new UTF8Encoding(false, true)))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var value = Encoding.UTF8.GetBytes(line.Trim());
            var parsed = parser.ParseItemEvent(value);
            if (!parsed.IsValid)
            {
                throw new DatasetFormatException(path, number, $"{parsed.Reason} ({parsed.ReasonCode})");
            }

            events.Add((parsed.Event.ItemId, value));
        }

        return events;
    }
}
