using ZesRec.Streaming.Hosting;

namespace ZesRec.Streaming.Adaptation;

/// <summary>
/// One side of a frozen-versus-adaptive replay: a processor on its own PostgreSQL schema and consumer group, and the
/// per-event online outcomes of every processor that served the lane, in the order they were scored.
/// </summary>
internal sealed class ReplayLane(string name, string modelDir, Func<ServeOptions> settings, TextWriter log) : IAsyncDisposable
{
    private readonly List<ScoredEvent> events = [];
    private StreamingProcessor? processor;
    private CancellationTokenSource? stop;
    private Task? running;

    public string Name => name;

    public string Schema { get; } = settings().Postgres.Schema ?? "public";

    public int Scored
    {
        get
        {
            lock (events)
            {
                return events.Count;
            }
        }
    }

    public int? MetricsPort => processor?.MetricsPort;

    public int CatalogCount => processor?.Catalog.Count ?? 0;

    /// <summary>True when the processor stopped by itself (a failure, or another model serving its store).</summary>
    public bool Stopped => running is { IsCompleted: true };

    public IReadOnlyList<ScoredEvent> Events()
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
        processor.Online.Scored = (ndcg, hit) =>
        {
            lock (events)
            {
                events.Add(new ScoredEvent(ndcg, hit));
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

    /// <summary>Waits until the lane scored <paramref name="count"/> interactions; throws when it stalls or its processor fails.</summary>
    public async Task WaitForAsync(int count, TimeSpan stall, CancellationToken cancellationToken)
    {
        var last = (Count: -1, At: DateTime.UtcNow);
        while (Scored < count)
        {
            if (running is { IsFaulted: true })
            {
                await running.ConfigureAwait(false);
            }

            var now = Scored;
            if (now != last.Count)
            {
                last = (now, DateTime.UtcNow);
            }
            else if (DateTime.UtcNow - last.At > stall)
            {
                throw new TimeoutException($"{name}: {now:N0} of {count:N0} interactions scored, no progress for {stall.TotalSeconds:F0} s (see the dead-letter topic)");
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
