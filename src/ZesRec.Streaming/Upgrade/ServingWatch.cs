using Npgsql;
using ZesRec.Streaming.Storage;

namespace ZesRec.Streaming.Upgrade;

/// <summary>
/// Checks once a second which model serves the store and calls <c>onSwitched</c> once another does. An idle
/// processor writes nothing, so its flushes alone would never notice an upgrade's switch; this ends its streams, and
/// the restart that follows stops it with the model version mismatch. A failed check is left to the PostgreSQL probe.
/// </summary>
public sealed class ServingWatch : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly NpgsqlDataSource dataSource;
    private readonly string modelVersion;
    private readonly Action onSwitched;
    private readonly Timer timer;
    private int fired;
    private int checking;

    private ServingWatch(NpgsqlDataSource dataSource, string modelVersion, Action onSwitched)
    {
        this.dataSource = dataSource;
        this.modelVersion = modelVersion;
        this.onSwitched = onSwitched;
        timer = new Timer(_ => _ = CheckAsync(), null, Interval, Interval);
    }

    public static ServingWatch Start(NpgsqlDataSource dataSource, string modelVersion, Action onSwitched) => new(dataSource, modelVersion, onSwitched);

    public void Dispose() => timer.Dispose();

    private async Task CheckAsync()
    {
        if (Volatile.Read(ref fired) == 1 || Interlocked.Exchange(ref checking, 1) == 1)
        {
            return;
        }

        try
        {
            var serving = await StoreSchema.ServingVersionAsync(dataSource).ConfigureAwait(false);
            if (serving is not null && serving != modelVersion && Interlocked.Exchange(ref fired, 1) == 0)
            {
                onSwitched();
            }
        }
        catch (NpgsqlException)
        {
            // The database is down: the probe reports it, and the streams fail on their own.
        }
        finally
        {
            Volatile.Write(ref checking, 0);
        }
    }
}
