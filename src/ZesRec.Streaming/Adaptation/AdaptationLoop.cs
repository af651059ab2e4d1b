using Npgsql;
using ZesRec.Model.Training;

namespace ZesRec.Streaming.Adaptation;

/// <summary>
/// Runs a round whenever the serving model has applied <c>everyInteractions</c> more interactions than at the last
/// round, or <c>every</c> has passed with at least one new interaction. A round that fails to train is logged and
/// the loop goes on; the store being unreachable is retried at the next check.
/// </summary>
public sealed class AdaptationLoop(NpgsqlDataSource dataSource, AdaptationRound round, long everyInteractions, TimeSpan every, TextWriter log, TimeProvider? clock = null)
{
    private const string AppliedSql = """
        SELECT coalesce(sum(u.interactions), 0)::bigint FROM user_states u JOIN schema_version s ON u.model_version = s.serving_model
        """;

    /// <summary>How often the applied count is read.</summary>
    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromSeconds(10);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var time = clock ?? TimeProvider.System;
        long last = 0;
        var lastRound = time.GetUtcNow();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var applied = await AppliedAsync(cancellationToken).ConfigureAwait(false);
                var due = applied - last >= everyInteractions || (applied > last && time.GetUtcNow() - lastRound >= every);
                if (due)
                {
                    log.WriteLine($"zesrec adapt: {applied - last:N0} interactions applied since the last round; starting one");
                    await round.RunAsync(cancellationToken).ConfigureAwait(false);
                    last = applied;
                    lastRound = time.GetUtcNow();
                }
            }
            catch (Exception e) when (e is NpgsqlException or TrainingFailedException && !cancellationToken.IsCancellationRequested)
            {
                log.WriteLine($"zesrec adapt: round failed, retrying at the next check: {e.Message}");
            }

            await Task.Delay(CheckInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<long> AppliedAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(AppliedSql);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
