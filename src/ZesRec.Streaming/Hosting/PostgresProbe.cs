using Npgsql;

namespace ZesRec.Streaming.Hosting;

/// <summary>
/// Checks PostgreSQL every <see cref="Interval"/> with a trivial query. The streams would notice a dead database
/// only at their next flush, and not at all while no events arrive; the probe lets /ready name it at once and lets
/// a restart start the moment the database is back.
/// </summary>
internal sealed class PostgresProbe(NpgsqlDataSource dataSource, TextWriter log, TimeProvider clock)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private volatile string problem = "";
    private long backTicks;

    /// <summary>"PostgreSQL unreachable: ..." while the last probe failed; empty while the database answers.</summary>
    public string Problem => problem;

    /// <summary>Whether the database answered again after having failed, later than <paramref name="utcTicks"/>.</summary>
    public bool BackSince(long utcTicks) => Interlocked.Read(ref backTicks) > utcTicks;

    /// <summary>Probes until cancelled; <paramref name="probed"/> runs after each probe (to publish readiness).</summary>
    public async Task RunAsync(Action probed, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ProbeOnceAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            probed();
            try
            {
                await Task.Delay(Interval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task ProbeOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            await using (var command = dataSource.CreateCommand("SELECT 1"))
            {
                await command.ExecuteScalarAsync(timeout.Token);
            }

            if (problem.Length > 0)
            {
                problem = "";
                Interlocked.Exchange(ref backTicks, clock.GetUtcNow().UtcTicks);
                log.WriteLine("zesrec serve: PostgreSQL answers again");
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            if (problem.Length == 0)
            {
                log.WriteLine($"zesrec serve: PostgreSQL probe failed: {e.Message}");
            }

            problem = $"PostgreSQL unreachable: {(e is OperationCanceledException ? $"no answer within {Timeout.TotalSeconds:0} s" : e.Message)}";
            dataSource.Clear();
        }
    }
}
