using System.Text.Json;

namespace ZesRec.DevBroker;

/// <summary>
/// A topic the broker creates at start, read from infra/kafka/topics.json. <see cref="MaxMessageBytes"/> is the topic's
/// max.message.bytes on a real cluster (docker-compose.yml sets the same); librdkafka's mock cluster has no topic
/// configs, so here the producers' message.max.bytes, below it, is what bounds a message.
/// </summary>
internal sealed record TopicSpec(string Name, int Partitions, int MaxMessageBytes)
{
    /// <summary>Kafka's own default (1 MiB plus record overhead), rounded to 1 MiB.</summary>
    public const int DefaultMaxMessageBytes = 1_048_576;

    /// <summary>Below this a dead letter of a small event could not be written.</summary>
    public const int MinMaxMessageBytes = 81_920;

    public static IReadOnlyList<TopicSpec> Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Topics file '{Path.GetFullPath(path)}' does not exist.", path);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}:{(e.LineNumber ?? 0) + 1}: not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException($"{path}: expected a JSON list of {{\"name\", \"partitions\"}} objects.");
            }

            var topics = new List<TopicSpec>();
            var index = 0;
            foreach (var entry in document.RootElement.EnumerateArray())
            {
                topics.Add(Read(path, index++, entry));
            }

            var duplicate = topics.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw new FormatException($"{path}: topic '{duplicate.Key}' is listed more than once.");
            }

            return topics;
        }
    }

    private static TopicSpec Read(string path, int index, JsonElement entry)
    {
        var where = $"{path}: entry {index}";
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{where}: expected an object with \"name\" and \"partitions\".");
        }

        var name = entry.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new FormatException($"{where}: \"name\" must be a non-empty string.");
        }

        if (!entry.TryGetProperty("partitions", out var p) || p.ValueKind != JsonValueKind.Number || !p.TryGetInt32(out var partitions) || partitions < 1)
        {
            throw new FormatException($"{where} ('{name}'): \"partitions\" must be a positive integer.");
        }

        var maxMessageBytes = DefaultMaxMessageBytes;
        if (entry.TryGetProperty("maxMessageBytes", out var m)
            && (m.ValueKind != JsonValueKind.Number || !m.TryGetInt32(out maxMessageBytes) || maxMessageBytes < MinMaxMessageBytes))
        {
            throw new FormatException($"{where} ('{name}'): \"maxMessageBytes\" must be an integer of at least {MinMaxMessageBytes}.");
        }

        return new TopicSpec(name, partitions, maxMessageBytes);
    }
}
