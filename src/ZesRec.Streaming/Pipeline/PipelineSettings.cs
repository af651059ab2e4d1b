namespace ZesRec.Streaming.Pipeline;

/// <summary>The resolved, immutable settings the stream stages work with.</summary>
public sealed record PipelineSettings(
    string ItemsTopic,
    string InteractionsTopic,
    string RecommendationsTopic,
    string DeadLetterTopic,
    string ModelVersion,
    int TopK,
    int MaxHistory,
    TimeSpan UnknownItemWait)
{
    /// <summary>
    /// Where this process stores its item-partition offsets (input_offsets.topic). Per instance, like the item
    /// consumer group: every process reads every item partition into its own in-memory catalogue, so one process's
    /// position must never make another skip items it has not loaded.
    /// </summary>
    public string ItemOffsetsKey { get; init; } = ItemsTopic;

    /// <summary>
    /// The largest message the processor may publish (key and value): the smaller of the producer's
    /// message.max.bytes and the output topics' max.message.bytes. Dead letters are cut to fit it.
    /// </summary>
    public int MaxMessageBytes { get; init; } = ZesRec.Data.Events.DeadLetter.MaxMessageBytes;

    /// <summary>The freshness policy (Items:MaxAgeHours): items older than this are no candidates; null: off.</summary>
    public TimeSpan? MaxItemAge { get; init; }
}
