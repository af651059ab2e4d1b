using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using ZesRec.Data.Events;

namespace ZesRec.Streaming.Tests;

/// <summary>The schema files of the repository, built once: JsonSchema.Net registers each by its $id.</summary>
internal static class SchemaFiles
{
    private static readonly Lazy<IReadOnlyDictionary<string, JsonSchema>> Built = new(BuildAll);

    private static readonly EvaluationOptions Evaluation = new()
    {
        OutputFormat = OutputFormat.List,
        RequireFormatValidation = true,
    };

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string EventsDir => Path.Combine(RepoRoot, "schemas", "events");

    public static IReadOnlyList<string> EventSchemaNames { get; } = ["item-created", "item-updated", "item-removed", "interaction", "recommendation", "dead-letter"];

    public static JsonSchema Event(string name) => Built.Value[name];

    public static JsonNode EventDocument(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(EventsDir, $"{name}.v1.json")))!;

    /// <summary>The keywords that failed, or an empty list when the instance is valid.</summary>
    public static IReadOnlyList<string> Violations(string schemaName, ReadOnlySpan<byte> utf8)
    {
        using var document = JsonDocument.Parse(utf8.ToArray());
        var results = Event(schemaName).Evaluate(document.RootElement, Evaluation);
        if (results.IsValid)
        {
            return [];
        }

        var failed = (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Keys.Select(k => $"{d.EvaluationPath}:{k}"))
            .ToList();
        return failed.Count > 0 ? failed : ["(invalid, no keyword reported)"];
    }

    private static Dictionary<string, JsonSchema> BuildAll()
    {
        // The events schemas $ref the dataset ones, which must be registered first.
        foreach (var dataset in new[] { "item-created", "interaction" })
        {
            JsonSchema.FromFile(Path.Combine(RepoRoot, "schemas", "dataset", $"{dataset}.v1.json"));
        }

        return EventSchemaNames.ToDictionary(n => n, n => JsonSchema.FromFile(Path.Combine(EventsDir, $"{n}.v1.json")));
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ZesRec.Streaming.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no ZesRec.Streaming.sln above {AppContext.BaseDirectory}");
    }
}

public sealed class SchemaFilesTests
{
    public static TheoryData<string> Names => new(SchemaFiles.EventSchemaNames);

    [Theory]
    [MemberData(nameof(Names))]
    public void Schema_should_require_version_1_and_refuse_unknown_fields_when_it_is_an_event_schema(string name)
    {
        // Given
        var schema = SchemaFiles.EventDocument(name);

        // When
        var required = schema["required"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        var version = schema["properties"]!["version"]!;

        // Then
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema["$schema"]!.GetValue<string>());
        Assert.Contains("version", required);
        Assert.Equal("integer", version["type"]!.GetValue<string>());
        Assert.Equal(1, version["const"]!.GetValue<int>());
        Assert.All(ObjectSchemas(schema), o => Assert.False(o["additionalProperties"]!.GetValue<bool>()));
        _ = SchemaFiles.Event(name); // builds, $refs resolved
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Schema_should_bound_every_string_when_it_is_an_event_schema(string name)
    {
        // Given
        var schema = SchemaFiles.EventDocument(name);

        // When
        var unbounded = Properties(schema)
            .Where(p => IsString(p.Value) && p.Value["maxLength"] is null)
            .Select(p => p.Name)
            .ToList();

        // Then
        Assert.Empty(unbounded);
    }

    [Fact]
    public void Schema_limits_should_equal_the_defaults_of_the_code_when_nothing_is_configured()
    {
        // Given
        var limits = new EventLimits();
        int MaxLength(string schema, string pointer) =>
            pointer.Split('/').Aggregate(SchemaFiles.EventDocument(schema), (node, part) => node[part]!)["maxLength"]!.GetValue<int>();

        // Then
        Assert.Equal(limits.MaxIdLength, MaxLength("item-created", "properties/itemId"));
        Assert.Equal(limits.MaxTextLength, MaxLength("item-created", "properties/text"));
        Assert.Equal(limits.MaxIdLength, MaxLength("item-updated", "properties/itemId"));
        Assert.Equal(limits.MaxTextLength, MaxLength("item-updated", "properties/text"));
        Assert.Equal(limits.MaxIdLength, MaxLength("item-removed", "properties/itemId"));
        Assert.Equal(limits.MaxIdLength, MaxLength("interaction", "properties/userId"));
        Assert.Equal(limits.MaxIdLength, MaxLength("interaction", "properties/itemId"));
        Assert.Equal(limits.MaxIdLength, MaxLength("recommendation", "properties/userId"));
        Assert.Equal(limits.MaxIdLength, MaxLength("recommendation", "$defs/recommendedItem/properties/itemId"));
        Assert.Equal(DeadLetter.MaxKeyLength, MaxLength("dead-letter", "properties/key"));
        Assert.Equal(DeadLetter.MaxPayloadLength, MaxLength("dead-letter", "properties/payload"));
        Assert.Equal(DeadLetter.MaxReasonLength, MaxLength("dead-letter", "properties/reason"));
        Assert.Equal(RecommendationPublished.CurrentVersion, limits.SupportedVersion);
    }

    [Fact]
    public void Schema_should_allow_every_reason_code_when_a_dead_letter_carries_it()
    {
        // Given
        var reasonCode = SchemaFiles.EventDocument("dead-letter")["properties"]!["reasonCode"]!;
        var pattern = new System.Text.RegularExpressions.Regex(reasonCode["pattern"]!.GetValue<string>());
        var listed = reasonCode["description"]!.GetValue<string>();

        // Then
        Assert.All(ReasonCodes.All, code =>
        {
            Assert.Matches(pattern, code);
            Assert.Contains(code, listed, StringComparison.Ordinal);
        });
    }

    private static IEnumerable<JsonObject> ObjectSchemas(JsonNode node)
    {
        if (node is JsonObject o)
        {
            if (o["type"] is JsonValue type && type.GetValue<string>() == "object")
            {
                yield return o;
            }

            foreach (var child in o.Select(p => p.Value).OfType<JsonNode>().SelectMany(ObjectSchemas))
            {
                yield return child;
            }
        }
    }

    private static bool IsString(JsonNode property) => property["type"] switch
    {
        JsonArray types => types.Any(t => t!.GetValue<string>() == "string"),
        JsonNode type => type.GetValue<string>() == "string",
        null => false,
    };

    private static IEnumerable<(string Name, JsonNode Value)> Properties(JsonNode schema) =>
        ObjectSchemas(schema).SelectMany(o => o["properties"]!.AsObject().Select(p => (p.Key, p.Value!)));
}
