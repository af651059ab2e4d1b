using Confluent.Kafka;

namespace ZesRec.Streaming.Kafka;

/// <summary>
/// A fetched record with the assignment generation of its partition at fetch time: a record
/// fetched before a revocation or a re-seek must not reach the processor afterwards.
/// </summary>
internal readonly record struct PolledRecord(ConsumeResult<string?, byte[]> Result, long Generation);
