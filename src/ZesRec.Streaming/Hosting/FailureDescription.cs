using Npgsql;
using ZesRec.Streaming.Pipeline;

namespace ZesRec.Streaming.Hosting;

/// <summary>Names the dependency at fault in a failure of the streams, for /ready and the log.</summary>
internal static class FailureDescription
{
    public static string Describe(Exception failure)
    {
        var chain = ExceptionChain.Of(failure).ToList();
        if (chain.OfType<PostgresException>().FirstOrDefault() is { } server && !IsConnectionLoss(server))
        {
            return $"PostgreSQL error: {server.MessageText} ({server.SqlState})";
        }

        if (chain.OfType<NpgsqlException>().FirstOrDefault() is { } database)
        {
            return $"PostgreSQL unreachable: {database.Message}";
        }

        if (chain.OfType<Confluent.Kafka.KafkaException>().FirstOrDefault() is { } kafka)
        {
            return $"Kafka failed: {kafka.Error.Reason} ({kafka.Error.Code})";
        }

        return $"stream failed: {failure.GetBaseException().Message}";
    }

    /// <summary>Server errors of a database going away: shutdown or crash (class 57P), connection exceptions (08).</summary>
    private static bool IsConnectionLoss(PostgresException e) =>
        e.SqlState.StartsWith("57P", StringComparison.Ordinal) || e.SqlState.StartsWith("08", StringComparison.Ordinal);
}
