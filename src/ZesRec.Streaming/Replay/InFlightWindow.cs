namespace ZesRec.Streaming.Replay;

/// <summary>
/// Bounds the produce requests awaiting acknowledgement, and remembers the first one that failed so that the
/// replay stops instead of publishing around a hole. Not disposable on purpose: deliveries of an aborted replay
/// still release their slots after the replay gave up.
/// </summary>
internal sealed class InFlightWindow(int capacity)
{
    private readonly SemaphoreSlim _slots = new(capacity, capacity);
    private Exception? _failure;

    public async ValueTask EnterAsync(CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        await _slots.WaitAsync(cancellationToken);
    }

    /// <summary>For a slot taken with <see cref="EnterAsync"/> whose request could not even be sent.</summary>
    public void Leave() => _slots.Release();

    public void Track(Task delivery) =>
        delivery.ContinueWith(
            static (t, state) => ((InFlightWindow)state!).Completed(t),
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    /// <summary>Waits until every tracked request was acknowledged; throws the first failure.</summary>
    public async Task DrainAsync()
    {
        for (var i = 0; i < capacity; i++)
        {
            await _slots.WaitAsync();
        }

        _slots.Release(capacity);
        ThrowIfFailed();
    }

    private void Completed(Task delivery)
    {
        if (delivery.IsFaulted || delivery.IsCanceled)
        {
            Interlocked.CompareExchange(
                ref _failure,
                delivery.Exception?.InnerException ?? new OperationCanceledException("a produce request was cancelled"),
                null);
        }

        _slots.Release();
    }

    private void ThrowIfFailed()
    {
        if (Volatile.Read(ref _failure) is { } failure)
        {
            throw new InvalidOperationException($"publishing failed: {failure.Message}", failure);
        }
    }
}
