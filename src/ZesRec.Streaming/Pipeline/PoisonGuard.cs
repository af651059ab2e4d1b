using System.Collections.Concurrent;
using Confluent.Kafka;
using Npgsql;

namespace ZesRec.Streaming.Pipeline;

/// <summary>
/// Keeps one bad record from failing the streams forever. A batch that fails for a reason tied to its data (a value
/// PostgreSQL refuses, a message Kafka refuses, an exception of the processing code) makes its records suspects; the
/// streams restart from the stored states and offsets, and suspects are then applied one per batch. A record that
/// fails on its own, or in <see cref="FailuresBeforeQuarantine"/> failed batches, is quarantined: the next time it is
/// read it goes to the dead-letter topic as unprocessable, with the failure as the reason. Failures of an unreachable
/// PostgreSQL or Kafka blame no record. Thread-safe; lives for the process, across stream restarts.
/// </summary>
public sealed class PoisonGuard
{
    /// <summary>A record in this many failed batches is quarantined even if never alone (e.g. held back with others).</summary>
    public const int FailuresBeforeQuarantine = 3;

    private readonly ConcurrentDictionary<(string Topic, int Partition, long Offset), int> suspects = new();
    private readonly ConcurrentDictionary<(string Topic, int Partition, long Offset), string> quarantined = new();

    /// <summary>Why <paramref name="record"/> is to be dead-lettered without being applied; null when it is not quarantined.</summary>
    public string? Quarantined(ConsumeResult<string?, byte[]> record) =>
        quarantined.IsEmpty ? null : quarantined.GetValueOrDefault(Coordinates(record));

    /// <summary>The batch as it is, or cut so that every suspect is a batch of its own (order kept).</summary>
    public IEnumerable<IReadOnlyList<ConsumeResult<string?, byte[]>>> Split(IReadOnlyList<ConsumeResult<string?, byte[]>> batch)
    {
        if (suspects.IsEmpty || !batch.Any(r => suspects.ContainsKey(Coordinates(r))))
        {
            return [batch];
        }

        var parts = new List<IReadOnlyList<ConsumeResult<string?, byte[]>>>();
        var run = new List<ConsumeResult<string?, byte[]>>();
        foreach (var record in batch)
        {
            if (!suspects.ContainsKey(Coordinates(record)))
            {
                run.Add(record);
                continue;
            }

            if (run.Count > 0)
            {
                parts.Add(run);
                run = [];
            }

            parts.Add([record]);
        }

        if (run.Count > 0)
        {
            parts.Add(run);
        }

        return parts;
    }

    /// <summary>The records' effects are durable: they are suspects no more.</summary>
    public void Cleared(IEnumerable<ConsumeResult<string?, byte[]>> inputs)
    {
        if (suspects.IsEmpty && quarantined.IsEmpty)
        {
            return;
        }

        foreach (var record in inputs)
        {
            var at = Coordinates(record);
            suspects.TryRemove(at, out _);
            quarantined.TryRemove(at, out _);
        }
    }

    /// <summary>
    /// Takes note of a failed run. Returns the sentence to log when the failure blamed records (restart at once: the
    /// next run isolates them), null when it was not tied to data (an outage: restart with back-off).
    /// </summary>
    public string? OnFailure(Exception failure)
    {
        if (ExceptionChain.Of(failure).OfType<BatchFailedException>().FirstOrDefault() is not { } failed
            || failed.Inputs.Count == 0
            || DataFailure(failed.InnerException!) is not { } why)
        {
            return null;
        }

        var blamed = new List<string>();
        foreach (var record in failed.Inputs)
        {
            var at = Coordinates(record);
            var count = suspects.AddOrUpdate(at, 1, (_, n) => n + 1);
            if (failed.Inputs.Count == 1 || count >= FailuresBeforeQuarantine)
            {
                quarantined[at] = $"applying it failed in a batch and again on its own: {why}";
                blamed.Add($"{at.Topic}/{at.Partition}/{at.Offset}");
            }
        }

        return blamed.Count > 0
            ? $"{string.Join(", ", blamed)} failed on its own ({why}); it goes to the dead-letter topic"
            : $"a batch of {failed.Inputs.Count} records failed ({why}); applying them one by one to find the one at fault";
    }

    /// <summary>Why the failure is tied to the data it was given; null for an unreachable or failing service.</summary>
    private static string? DataFailure(Exception failure)
    {
        var chain = ExceptionChain.Of(failure).ToList();
        if (chain.OfType<PostgresException>().FirstOrDefault() is { } server)
        {
            // 22: data exception (bad value, e.g. a NUL byte); 23: integrity constraint; 54: program limit exceeded.
            return server.SqlState[..2] is "22" or "23" or "54" ? $"PostgreSQL refused it: {server.MessageText} ({server.SqlState})" : null;
        }

        if (chain.OfType<NpgsqlException>().Any())
        {
            return null;
        }

        if (chain.OfType<KafkaException>().FirstOrDefault() is { } kafka)
        {
            return kafka.Error.Code is ErrorCode.MsgSizeTooLarge or ErrorCode.InvalidMsgSize or ErrorCode.RecordListTooLarge
                or ErrorCode.InvalidMsg or ErrorCode.InvalidRecord or ErrorCode.Local_BadMsg
                ? $"Kafka refused a message for it: {kafka.Error.Reason} ({kafka.Error.Code})"
                : null;
        }

        // A store refusal (a model switch, a fenced zombie) is no record's fault: isolating the records one by one
        // would only repeat it.
        if (chain.Any(e => e is OperationCanceledException or TimeoutException or ObjectDisposedException or IOException or System.Net.Sockets.SocketException
                or Storage.IStoreRefusal))
        {
            return null;
        }

        var cause = chain[^1];
        return $"{cause.GetType().Name}: {cause.Message}";
    }

    private static (string Topic, int Partition, long Offset) Coordinates(ConsumeResult<string?, byte[]> record) =>
        (record.Topic, record.Partition.Value, record.Offset.Value);
}
