using Confluent.Kafka;

namespace ZesRec.Streaming.Kafka;

/// <summary>Offsets to commit, handed to the poll thread so that only it ever touches the consumer.</summary>
internal sealed record CommitRequest(IReadOnlyList<TopicPartitionOffset> Offsets, TaskCompletionSource<IReadOnlyList<TopicPartitionOffset>> Done);
