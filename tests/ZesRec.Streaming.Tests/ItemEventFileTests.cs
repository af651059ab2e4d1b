using System.Text;
using ZesRec.Data;
using ZesRec.Data.Events;
using ZesRec.Streaming.Replay;

namespace ZesRec.Streaming.Tests;

/// <summary>The item-events file of <c>zesrec replay --item-events</c>: every line checked before anything is sent.</summary>
public sealed class ItemEventFileTests
{
    [Fact]
    public void Load_should_keep_the_file_order_and_key_each_event_by_its_item_when_every_line_is_valid()
    {
        // Given a file of a creation, an update and a removal, with a blank line
        using var folder = new TempFolder();
        File.WriteAllText(folder["events.jsonl"], """
            {"version":1,"itemId":"n1","text":"Storm closes the harbour","createdAt":"2024-03-01T06:00:00Z"}

            {"version":1,"type":"item-updated","itemId":"n1","text":"Storm closes the harbour for two days"}
            {"version":1,"type":"item-removed","itemId":"n1"}
            """);

        // When
        var events = ItemEventFile.Load(folder["events.jsonl"]);

        // Then the lines come back as they are, in order, keyed by item id
        Assert.Equal(["n1", "n1", "n1"], events.Select(e => e.ItemId));
        var parser = new EventParser();
        Assert.Equal([typeof(ItemCreated), typeof(ItemUpdated), typeof(ItemRemoved)], events.Select(e => parser.ParseItemEvent(e.Value).Event!.GetType()));
    }

    [Fact]
    public void Load_should_name_the_file_line_and_reason_when_a_line_is_malformed()
    {
        // Given a removal without an item id on line 2
        using var folder = new TempFolder();
        File.WriteAllText(folder["bad.jsonl"], "{\"version\":1,\"itemId\":\"a\",\"text\":\"t\"}\n{\"version\":1,\"type\":\"item-removed\"}\n", Encoding.UTF8);

        // When
        var error = Assert.Throws<DatasetFormatException>(() => ItemEventFile.Load(folder["bad.jsonl"]));

        // Then
        Assert.Equal(2, error.Line);
        Assert.Equal("field 'itemId' is missing (missing_field)", error.Reason);
        Assert.Throws<DatasetFormatException>(() => ItemEventFile.Load(folder["missing.jsonl"]));
    }
}
