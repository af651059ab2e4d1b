using System.Globalization;
using ZesRec.Data.Events;

namespace ZesRec.Streaming.Tests;

/// <summary>The parser against every event of the shared tiny datasets (the unit cases are in <see cref="EventParserTests"/>).</summary>
[Trait("Tier", "Integration")]
public sealed class EventParserDatasetTests
{
    private readonly EventParser _parser = new(new EventLimits(), new EventParserTests.FixedClock(new DateTimeOffset(2024, 6, 1, 12, 0, 0, TimeSpan.Zero)));

    [Theory]
    [InlineData("amazon_office_tiny")]
    [InlineData("amazon_scientific_tiny")]
    public void Parser_should_accept_every_event_of_a_real_dataset_when_serialised_by_EventJson(string dataset)
    {
        // Given
        var dir = RepoPaths.SharedData(Path.Combine("tiny", dataset));
        var items = Rows(Path.Combine(dir, "items.tsv"))
            .Select(r => new ItemCreated(1, r[0], r[1]))
            .ToList();
        var interactions = Rows(Path.Combine(dir, "interactions.tsv"), out var header)
            .Select(r => header[2] == "timestamp"
                ? new InteractionOccurred(1, r[0], r[1], Timestamp: DateTimeOffset.FromUnixTimeSeconds(long.Parse(r[2], CultureInfo.InvariantCulture)))
                : new InteractionOccurred(1, r[0], r[1], Position: long.Parse(r[2], CultureInfo.InvariantCulture)))
            .ToList();

        // When
        var parsedItems = items.Select(i => _parser.ParseItem(EventJson.Serialize(i))).ToList();
        var parsedInteractions = interactions.Select(i => _parser.ParseInteraction(EventJson.Serialize(i))).ToList();

        // Then
        Assert.True(items.Count > 100 && interactions.Count > 100, $"{items.Count} items, {interactions.Count} interactions");
        Assert.Equal(items, parsedItems.Select(r => r.IsValid ? r.Event : throw new Xunit.Sdk.XunitException(r.ToString())));
        Assert.Equal(interactions, parsedInteractions.Select(r => r.IsValid ? r.Event : throw new Xunit.Sdk.XunitException(r.ToString())));
        Assert.All(items.Take(50), i => Assert.Empty(SchemaFiles.Violations("item-created", EventJson.Serialize(i))));
        Assert.All(interactions.Take(50), i => Assert.Empty(SchemaFiles.Violations("interaction", EventJson.Serialize(i))));
    }

    private static List<string[]> Rows(string path) => Rows(path, out _);

    private static List<string[]> Rows(string path, out string[] header)
    {
        var lines = File.ReadAllLines(path);
        header = lines[0].Split('\t');
        var width = header.Length;
        return lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split('\t', width)).ToList();
    }
}
