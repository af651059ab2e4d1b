namespace ZesRec.Data.Events;

/// <summary>
/// The field table of one incoming event type: its fields in schema order, the event made from their values
/// (indexed as the table), and a rule across fields that the table cannot state. Adding a field to an event
/// means adding a row here and a property to the record and the schema.
/// </summary>
internal sealed class EventContract<T>(string eventName, EventField[] fields, Func<object?[], T> create, Func<object?[], string?>? missing = null)
{
    public string EventName => eventName;

    public IReadOnlyList<EventField> Fields => fields;

    /// <summary>"version, itemId, text and createdAt": the fields as an unknown field's reason lists them.</summary>
    public string KnownFields { get; } =
        fields.Length == 1 ? fields[0].Name : $"{string.Join(", ", fields[..^1].Select(f => f.Name))} and {fields[^1].Name}";

    public T Create(object?[] values) => create(values);

    /// <summary>The reason the event lacks what it needs; null when it is complete.</summary>
    public string? Missing(object?[] values)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            if (fields[i].Required && values[i] is null)
            {
                return $"field '{fields[i].Name}' is missing";
            }
        }

        return missing?.Invoke(values);
    }
}
