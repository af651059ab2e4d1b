using System.Text.Json;
using Confluent.Kafka;

namespace ZesRec.Streaming.Kafka;

/// <summary>
/// Whether a Kafka client reaches its brokers. librdkafka reconnects by itself and says nothing when a broker comes
/// back, so this reads two signals: the error callback (all brokers down: at once) and the periodic statistics,
/// whose per-broker connection state tells when one is up again.
/// </summary>
internal sealed class BrokerHealth
{
    private volatile string? _problem;
    private volatile string? _lastError;

    /// <summary>Why the brokers cannot be reached; null while a connection is up (or before anything is known).</summary>
    public string? Problem => _problem;

    public void OnError(Error error)
    {
        if (error.Code is ErrorCode.Local_AllBrokersDown or ErrorCode.Local_Transport or ErrorCode.Local_Resolve or ErrorCode.Local_TimedOut)
        {
            _lastError = error.Reason;
        }

        if (error.Code == ErrorCode.Local_AllBrokersDown)
        {
            _problem = $"Kafka unreachable: {error.Reason}";
        }
    }

    /// <summary>Reads the "brokers" object of librdkafka's statistics JSON.</summary>
    public void OnStatistics(string json)
    {
        int known, up;
        try
        {
            (known, up) = BrokerStates(json);
        }
        catch (JsonException)
        {
            // Statistics are advisory: a document this reader does not understand leaves the last verdict.
            return;
        }

        if (known == 0)
        {
            return;
        }

        _problem = up > 0 ? null : $"Kafka unreachable: no broker connection is up ({_lastError ?? "connecting"})";
    }

    /// <summary>Real broker connections (configured or learned; not the internal or coordinator ones) and how many are up.</summary>
    internal static (int Known, int Up) BrokerStates(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("brokers", out var brokers) || brokers.ValueKind != JsonValueKind.Object)
        {
            return (0, 0);
        }

        var known = 0;
        var up = 0;
        foreach (var broker in brokers.EnumerateObject())
        {
            var source = broker.Value.TryGetProperty("source", out var s) ? s.GetString() : null;
            if (source is "internal" or "logical")
            {
                continue;
            }

            known++;
            if (broker.Value.TryGetProperty("state", out var state) && state.GetString() == "UP")
            {
                up++;
            }
        }

        return (known, up);
    }
}
