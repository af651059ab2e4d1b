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
    TimeSpan UnknownItemWait);
