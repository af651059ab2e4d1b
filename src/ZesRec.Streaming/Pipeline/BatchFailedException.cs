using Confluent.Kafka;

namespace ZesRec.Streaming.Pipeline;

/// <summary>A stage failed on a batch; names the input records whose effects the batch held, for <see cref="PoisonGuard"/>.</summary>
public sealed class BatchFailedException(IReadOnlyList<ConsumeResult<string?, byte[]>> inputs, Exception inner)
    : Exception($"a batch of {inputs.Count} records failed: {inner.Message}", inner)
{
    public IReadOnlyList<ConsumeResult<string?, byte[]>> Inputs { get; } = inputs;
}
