using ZesRec.Streaming.Hosting;

namespace ZesRec.Streaming.Adaptation;

/// <summary>
/// One side of a frozen-versus-adaptive replay: a processor on its own PostgreSQL schema and consumer group, and the
/// per-event online outcomes of every processor that served the lane, in the order they were scored.
/// </summary>
internal sealed class ReplayLane(string name, string modelDir, Func<ServeOptions> settings, IReadOnlyDictionary<(string, long, string), int> positions, int length, TextWriter log) : IAsyncDisposable
{
    private readonly ScoredEvent?[] events = new ScoredEvent?[length];
    private readonly Npgsql.NpgsqlDataSource store = Storage.StoreDataSource.Create(settings().Postgres.ConnectionString, $"\"{settings().Postgres.Schema}\",public");
    private readonly string topic = settings().Kafka.InteractionsTopic;
    private StreamingProcessor? processor;
    private CancellationTokenSource? stop;
    private Task? running;

    public string Name => name;

    public string Schema { get; } = settings().Postgres.Schema ?? "public";

    /// <summary>Interactions scored again by a processor that took over after a switch (the first one's flush was refused).</summary>
    public int ScoredTwice { get; private set; }

    public int? MetricsPort => processor?.MetricsPort;

    public int CatalogCount => processor?.Catalog.Count ?? 0;

    /// <summary>True when the processor stopped by itself (a failure, or another model serving its store).</summary>
    public bool Stopped => running is { IsCompleted: true };

    /// <summary>By stream position; null where no processor scored it (a user's first interaction after a restart holds no recommendation).</summary>
    public IReadOnlyList<ScoredEvent?> Events()
    {
        lock (events)
        {
            return [.. events];
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = settings();
        options.ModelDir = modelDir;
        options.Metrics.Port = 0;
        processor = StreamingProcessor.Create(options, log);
        processor.Online.Scored = s =>
        {
            lock (events)
            {
                if (positions.TryGetValue((s.UserId, s.OrderKey, s.ItemId), out var at))
                {
                    // The later processor's outcome is kept: its state is the one the store holds.
                    ScoredTwice += events[at] is null ? 0 : 1;
                    events[at] = new ScoredEvent(s.Ndcg, s.Hit);
                }
            }
        };
        stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var started = processor;
        running = Task.Run(() => started.RunAsync(stop.Token), CancellationToken.None);
        log.WriteLine($"{name}: model {processor.Card.ModelVersion}");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!processor.Ready && !running.IsCompleted && clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        if (running.IsCompleted)
        {
            await running.ConfigureAwait(false);
        }
    }

    /// <summary>Stops the processor; a processor that stopped because another model now serves its store is expected here.</summary>
    public async Task StopAsync()
    {
        if (processor is null)
        {
            return;
        }

        await stop!.CancelAsync().ConfigureAwait(false);
        try
        {
            await running!.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or Storage.ModelVersionMismatchException)
        {
        }

        await processor.DisposeAsync().ConfigureAwait(false);
        stop.Dispose();
        processor = null;
    }

    /// <summary>
    /// Waits until the lane's store has consumed <paramref name="count"/> interactions (its committed input offsets:
    /// every one applied or dead-lettered); throws when it stalls or its processor fails.
    /// </summary>
    public async Task WaitForAsync(long count, TimeSpan stall, CancellationToken cancellationToken)
    {
        var last = (Count: -1L, At: DateTime.UtcNow);
        while (await ConsumedAsync(cancellationToken).ConfigureAwait(false) is var now && now < count)
        {
            if (running is { IsFaulted: true })
            {
                await running.ConfigureAwait(false);
            }

            if (now != last.Count)
            {
                last = (now, DateTime.UtcNow);
            }
            else if (DateTime.UtcNow - last.At > stall)
            {
                throw new TimeoutException($"{name}: {now:N0} of {count:N0} interactions consumed, no progress for {stall.TotalSeconds:F0} s");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<long> ConsumedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var command = store.CreateCommand("SELECT coalesce(sum(next_offset), 0) FROM input_offsets WHERE topic = $1");
            command.Parameters.AddWithValue(topic);
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.UndefinedTable)
        {
            return 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await store.DisposeAsync().ConfigureAwait(false);
    }
}
