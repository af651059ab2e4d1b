using ZesRec.Streaming.Observability;
using ZesRec.Streaming.Pipeline;

namespace ZesRec.Streaming.Hosting;

/// <summary>
/// Runs the streams again after each failure. A failure that blamed records (see <see cref="PoisonGuard"/>) restarts
/// at once so the next run isolates them; an outage restarts with exponential back-off (1 s doubling, at most
/// <see cref="MaxBackoff"/>), ended early once the PostgreSQL probe sees the database return. A
/// <see cref="ConfigurationException"/> is not retried.
/// </summary>
internal sealed class RestartSupervisor(PoisonGuard guard, PostgresProbe postgres, ProcessorReadiness readiness, Action clearConnections, TextWriter log, TimeProvider clock)
{
    /// <summary>
    /// The longest wait between two restarts. Kept short: after an outage of any length the processor is back
    /// within this (or at once, when the PostgreSQL probe sees the database return), and a failing attempt costs
    /// only a refused connection.
    /// </summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    /// <summary>The pause before a run that isolates a failing record; not an outage, so no back-off.</summary>
    private static readonly TimeSpan IsolationPause = TimeSpan.FromMilliseconds(200);

    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);

    public async Task RunAsync(Func<CancellationToken, Task> runOnce, CancellationToken cancellationToken)
    {
        var backoff = FirstBackoff;
        var attempt = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            readiness.Starting();
            try
            {
                await runOnce(cancellationToken);
            }
            catch (ConfigurationException e)
            {
                // The caller reports it (zesrec serve: on stderr, with a non-zero exit code).
                readiness.NotReady(e.Message);
                throw;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                var failedAt = clock.GetUtcNow().UtcTicks;
                ZesRecMetrics.Restarts.Inc();
                // Connections of a database that went away are dead; the next attempt must open new ones.
                clearConnections();
                if (guard.OnFailure(e) is { } isolating)
                {
                    // A failure tied to records, not an outage: the next run applies them one by one at once.
                    readiness.NotReady($"isolating a failing record: {isolating}");
                    log.WriteLine($"zesrec serve: {isolating}; restarting now");
                    if (!await WaitBeforeRestartAsync(IsolationPause, failedAt, cancellationToken))
                    {
                        break;
                    }

                    continue;
                }

                if (readiness.BecameReady)
                {
                    // The run had recovered from any earlier failure: this is a new outage, start short again.
                    backoff = FirstBackoff;
                    attempt = 0;
                }

                attempt++;
                var reason = FailureDescription.Describe(e);
                readiness.NotReady(reason);
                log.WriteLine($"zesrec serve: {reason}; restart {attempt} in {backoff.TotalSeconds:0.#} s");
                if (!await WaitBeforeRestartAsync(backoff, failedAt, cancellationToken))
                {
                    break;
                }

                backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
            }
        }
    }

    /// <summary>
    /// Waits out the back-off; false when cancelled. Ends early once the PostgreSQL probe has seen the database
    /// come back after the failure, so the time to recover does not depend on where in the back-off it returned.
    /// </summary>
    private async Task<bool> WaitBeforeRestartAsync(TimeSpan backoff, long failedAt, CancellationToken cancellationToken)
    {
        var until = clock.GetUtcNow() + backoff;
        try
        {
            while (clock.GetUtcNow() < until)
            {
                if (postgres.BackSince(failedAt))
                {
                    log.WriteLine("zesrec serve: PostgreSQL is reachable again; restarting now");
                    return true;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
