using Confluent.Kafka;

namespace ZesRec.Streaming.Kafka;

/// <summary>A record to send, with a value carried through to the result (e.g. what to acknowledge next).</summary>
public sealed record ProducerMessage<TPassThrough>(string Topic, string? Key, byte[] Value, Headers? Headers, TPassThrough PassThrough);
