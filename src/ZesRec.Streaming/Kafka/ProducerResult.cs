using Confluent.Kafka;

namespace ZesRec.Streaming.Kafka;

public sealed record ProducerResult<TPassThrough>(TopicPartitionOffset Written, TPassThrough PassThrough);
