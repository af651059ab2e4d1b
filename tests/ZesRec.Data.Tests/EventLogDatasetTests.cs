using ZesRec.Data.Events;

namespace ZesRec.Data.Tests;

public sealed class EventLogDatasetTests
{
    private const string Item = """{"version":1,"itemId":"A","text":"a pen"}""";
    private const string Interaction = """{"version":1,"userId":"u","itemId":"A","timestamp":"2018-01-01T00:00:00Z"}""";

    [Fact]
    public void Save_then_load_should_give_the_same_events_when_round_tripped()
    {
        // Given
        using var temp = new TempFolder();
        var ds = new EventLogDataset(
            "pens",
            "test",
            [new ItemCreated(1, "A", "a pen", new DateTimeOffset(2018, 1, 1, 0, 0, 0, TimeSpan.Zero)), new ItemCreated(1, "B", "ein Füller")],
            [new InteractionOccurred(1, "u", "A", new DateTimeOffset(2018, 1, 2, 3, 4, 5, TimeSpan.FromHours(2))), new InteractionOccurred(1, "u", "B", Position: 7)]);

        // When
        ds.Save(temp["pens"]);
        var loaded = EventLogDataset.Load(temp["pens"]);

        // Then
        Assert.Equal("pens", loaded.Name);
        Assert.Equal(ds.Items, loaded.Items);
        Assert.Equal(ds.Interactions, loaded.Interactions);
        Assert.Equal(
            """{"version":1,"userId":"u","itemId":"A","timestamp":"2018-01-02T01:04:05Z"}""",
            File.ReadLines(temp["pens/interactions.jsonl"]).First());
        Assert.Equal(1514855045, loaded.Interactions[0].OrderKey);
        Assert.Equal(7, loaded.Interactions[1].OrderKey);
        Assert.Single(Directory.GetFileSystemEntries(temp.Path));
    }

    [Theory]
    [InlineData("items.jsonl", 2, """{"version":1,"itemId":"B","text":"  "}""", "empty text")]
    [InlineData("items.jsonl", 2, """{"version":1,"itemId":"B"}""", "missing required properties")]
    [InlineData("items.jsonl", 2, """{"version":1,"itemId":"B","text": }""", "invalid ItemCreated event")]
    [InlineData("items.jsonl", 2, """{"version":2,"itemId":"B","text":"x"}""", "unsupported version 2")]
    [InlineData("interactions.jsonl", 2, """{"version":1,"userId":"u","itemId":"Z","position":1}""", "unknown item id 'Z'")]
    [InlineData("interactions.jsonl", 2, """{"version":1,"userId":"u","itemId":"A"}""", "neither timestamp nor position")]
    [InlineData("interactions.jsonl", 2, """{"version":1,"userId":"u","itemId":"A","timestamp":"yesterday"}""", "not an ISO-8601 timestamp")]
    public void Load_should_name_file_and_line_when_a_line_is_bad(string file, int line, string badLine, string reason)
    {
        // Given: a valid one-item dataset with one bad line appended to one file
        using var temp = new TempFolder();
        WriteDataset(temp.Path, [Item], [Interaction], itemCount: 1, interactionCount: 1);
        File.AppendAllText(Path.Combine(temp.Path, file), badLine + "\n");

        // When
        var error = Assert.Throws<DatasetFormatException>(() => EventLogDataset.Load(temp.Path));

        // Then
        Assert.Equal(Path.Combine(temp.Path, file), error.File);
        Assert.Equal(line, error.Line);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        Assert.StartsWith($"{Path.Combine(temp.Path, file)}:{line}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_should_fail_naming_the_file_when_the_dataset_is_empty()
    {
        // Given
        using var temp = new TempFolder();
        WriteDataset(temp.Path, [Item], [], itemCount: 1, interactionCount: 0);

        // When
        var error = Assert.Throws<DatasetFormatException>(() => EventLogDataset.Load(temp.Path));

        // Then
        Assert.Equal(Path.Combine(temp.Path, "interactions.jsonl"), error.File);
        Assert.Contains("empty", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_should_fail_when_a_file_is_shorter_than_the_manifest_says()
    {
        // Given
        using var temp = new TempFolder();
        WriteDataset(temp.Path, [Item], [Interaction], itemCount: 1, interactionCount: 2);

        // When
        var error = Assert.Throws<DatasetFormatException>(() => EventLogDataset.Load(temp.Path));

        // Then
        Assert.EndsWith("dataset.json", error.File, StringComparison.Ordinal);
        Assert.Contains("do not match", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_should_replace_an_existing_dataset_when_saving_to_its_folder()
    {
        // Given
        using var temp = new TempFolder();
        var first = new EventLogDataset("a", "test", [new ItemCreated(1, "A", "a")], [new InteractionOccurred(1, "u", "A", Position: 0)]);
        var second = new EventLogDataset("b", "test", [new ItemCreated(1, "B", "b")], [new InteractionOccurred(1, "u", "B", Position: 0)]);
        first.Save(temp["ds"]);

        // When
        second.Save(temp["ds"]);

        // Then
        Assert.Equal("B", EventLogDataset.Load(temp["ds"]).Items.Single().ItemId);
        Assert.Single(Directory.GetFileSystemEntries(temp.Path));
    }

    private static void WriteDataset(string dir, string[] items, string[] interactions, int itemCount, int interactionCount)
    {
        File.WriteAllLines(Path.Combine(dir, "items.jsonl"), items);
        File.WriteAllLines(Path.Combine(dir, "interactions.jsonl"), interactions);
        File.WriteAllText(
            Path.Combine(dir, "dataset.json"),
            $$"""{"formatVersion":1,"name":"t","sourceFormat":"test","itemCount":{{itemCount}},"interactionCount":{{interactionCount}},"userCount":1,"createdAt":"2024-01-01T00:00:00Z"}""");
    }
}
