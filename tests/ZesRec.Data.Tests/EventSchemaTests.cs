using System.Text.Json;
using Json.Schema;
using ZesRec.Data.Import;

namespace ZesRec.Data.Tests;

/// <summary>The JSON Schemas are the contract; what the code writes must satisfy them, and what they forbid must fail.</summary>
[Trait("Tier", "Integration")]
public sealed class EventSchemaTests
{
    private static readonly Lazy<JsonSchema> ItemSchema = new(() => JsonSchema.FromFile(RepoPaths.Schema("item-created.v1.json")));
    private static readonly Lazy<JsonSchema> InteractionSchema = new(() => JsonSchema.FromFile(RepoPaths.Schema("interaction.v1.json")));
    private static readonly Lazy<JsonSchema> ManifestSchema = new(() => JsonSchema.FromFile(RepoPaths.Schema("dataset.v1.json")));

    [Theory]
    [InlineData("tsv", "tiny/amazon_scientific_tiny")]
    [InlineData("tsv", "tiny/amazon_office_tiny")]
    [InlineData("mind", "mind-sample")]
    public void Saved_dataset_should_satisfy_the_schemas_when_written_by_an_import(string format, string input)
    {
        // Given
        using var temp = new TempFolder();

        // When
        DatasetImporters.ImportTo(format, RepoPaths.SharedData(input), temp["ds"], "t");

        // Then
        AssertValid(ManifestSchema.Value, File.ReadAllText(temp["ds/dataset.json"]));
        Assert.All(File.ReadLines(temp["ds/items.jsonl"]), line => AssertValid(ItemSchema.Value, line));
        Assert.All(File.ReadLines(temp["ds/interactions.jsonl"]), line => AssertValid(InteractionSchema.Value, line));
    }

    [Theory]
    [InlineData("""{"version":1,"userId":"u","itemId":"A"}""")]
    [InlineData("""{"version":1,"userId":"","itemId":"A","position":1}""")]
    [InlineData("""{"version":2,"userId":"u","itemId":"A","position":1}""")]
    public void Interaction_schema_should_reject_an_event_when_it_breaks_the_contract(string json)
    {
        // Given / When
        var result = InteractionSchema.Value.Evaluate(JsonDocument.Parse(json).RootElement);

        // Then
        Assert.False(result.IsValid);
    }

    private static void AssertValid(JsonSchema schema, string json)
    {
        var result = schema.Evaluate(JsonDocument.Parse(json).RootElement);
        Assert.True(result.IsValid, json);
    }
}
