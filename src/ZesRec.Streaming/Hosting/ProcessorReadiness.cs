using ZesRec.Streaming.Kafka;

namespace ZesRec.Streaming.Hosting;

/// <summary>
/// What /ready answers: a dependency found down by the probes first, then the state of the streams (restarting,
/// joining the group, ...). The Kafka state is read live from the consumers, not from the last one-second
/// observation, so that readiness turns the moment a broker answers again or the partitions come back.
/// </summary>
internal sealed class ProcessorReadiness(PostgresProbe postgres)
{
    private volatile string notReadyReason = "starting";
    private volatile RunningStreams? streams;
    private volatile bool becameReady;

    /// <summary>The consumers of the streams now running; null between runs.</summary>
    public RunningStreams? Streams => streams;

    /// <summary>Whether readiness was seen since the last <see cref="Starting"/>: the run had recovered.</summary>
    public bool BecameReady => becameReady;

    /// <summary>A run of the streams begins; nothing of it is seen yet.</summary>
    public void Starting() => becameReady = false;

    /// <summary>The step a run is at, or why it stopped; shown while the streams are not running.</summary>
    public void NotReady(string reason) => notReadyReason = reason;

    public void Running(RunningStreams running) => streams = running;

    public void Stopped() => streams = null;

    public (bool Ready, string Why) Check()
    {
        if (postgres.Problem is { Length: > 0 } database)
        {
            return (false, database);
        }

        if (streams is { } current)
        {
            if ((current.Interactions.BrokerProblem ?? current.Items.BrokerProblem) is { } broker)
            {
                return (false, broker);
            }

            return current.Interactions.Assignment.Count == 0 ? (false, "no interaction partitions assigned yet") : (true, "");
        }

        var reason = notReadyReason;
        return (false, reason.Length > 0 ? reason : "restarting the streams");
    }

    /// <summary>Checks readiness and remembers a ready answer for the restart supervisor.</summary>
    public bool Observe()
    {
        var ready = Check().Ready;
        if (ready)
        {
            becameReady = true;
        }

        return ready;
    }
}

/// <summary>The consumers of the two streams of one run.</summary>
internal sealed record RunningStreams(KafkaConsumerControl Interactions, KafkaConsumerControl Items);
