using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading.Channels;
using Confluent.Kafka;
using ZesRec.Streaming.Observability;

namespace ZesRec.Streaming.Kafka;

/// <summary>
/// Owns one Kafka consumer on a dedicated thread: librdkafka's Consume blocks and runs the
/// rebalance callbacks, which must not happen on a stream actor's thread. The stage reads the
/// records from a channel; when it falls behind, reading stops (records wait in librdkafka's bounded
/// prefetch queue) and, if that lasts, the partitions are paused and polling resumes, so that
/// rebalances and commits still happen. Measured here, pausing at every full buffer capped the source at
/// about 1,700 records/s: every resume costs a fetch round trip.
/// </summary>
internal sealed class ConsumerWorker
{
    private static readonly TimeSpan LagInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan WatermarkQueryTimeout = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan StallBeforePause = TimeSpan.FromSeconds(2);

    // Statistics are how a broker that came back is noticed (librdkafka reports no "up again" event).
    private const int StatisticsIntervalMs = 1_000;

    private readonly KafkaSettings _settings;
    private readonly IReadOnlyList<string> _topics;
    private readonly IPartitionAssignmentHandler _handler;
    private readonly Action<Exception> _onFailure;
    private readonly Channel<PolledRecord> _records =
        Channel.CreateUnbounded<PolledRecord>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    private readonly ConcurrentDictionary<TopicPartition, long> _generations = new();
    private readonly ConcurrentDictionary<TopicPartition, long> _nextToEmit = new();
    private readonly ConcurrentQueue<CommitRequest> _commits = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly BrokerHealth _health = new();
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread _thread;
    private int _buffered;
    private long _lastGeneration;
    private int _assignmentVersion;
    private Exception? _handlerFailure;
    private volatile IReadOnlyDictionary<TopicPartition, long> _lag = ImmutableDictionary<TopicPartition, long>.Empty;
    private volatile IReadOnlyList<TopicPartition> _assignment = [];

    public ConsumerWorker(KafkaSettings settings, IReadOnlyList<string> topics, IPartitionAssignmentHandler handler, Action<Exception> onFailure)
    {
        _settings = settings;
        _topics = topics;
        _handler = handler;
        _onFailure = onFailure;
        _thread = new Thread(Run) { IsBackground = true, Name = $"kafka-consumer-{settings.ClientId}" };
    }

    public ChannelReader<PolledRecord> Records => _records.Reader;

    public Task Finished => _finished.Task;

    public IReadOnlyDictionary<TopicPartition, long> Lag => _lag;

    public IReadOnlyList<TopicPartition> Assignment => _assignment;

    /// <summary>Why the brokers cannot be reached; null while they can.</summary>
    public string? BrokerProblem => _health.Problem;

    public void Start() => _thread.Start();

    /// <summary>Asks the thread to leave the group and close; returns at once (see <see cref="Finished"/>).</summary>
    public void Stop() => _stop.Cancel();

    /// <summary>Called by the stage for each record it reads: emitted or dropped, it leaves the buffer.</summary>
    public bool Take(in PolledRecord record)
    {
        Interlocked.Decrement(ref _buffered);
        var partition = record.Result.TopicPartition;
        if (!_generations.TryGetValue(partition, out var generation) || generation != record.Generation)
        {
            return false;
        }

        _nextToEmit[partition] = record.Result.Offset.Value + 1;
        return true;
    }

    public Task<IReadOnlyList<TopicPartitionOffset>> CommitAsync(IReadOnlyList<TopicPartitionOffset> offsets)
    {
        var request = new CommitRequest(offsets, new TaskCompletionSource<IReadOnlyList<TopicPartitionOffset>>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (_finished.Task.IsCompleted)
        {
            return Task.FromException<IReadOnlyList<TopicPartitionOffset>>(new InvalidOperationException("The Kafka consumer is closed."));
        }

        _commits.Enqueue(request);
        return request.Done.Task;
    }

    private void Run()
    {
        IConsumer<string?, byte[]>? consumer = null;
        Exception? failure = null;
        try
        {
            var config = _settings.ToConsumerConfig();
            config.StatisticsIntervalMs ??= StatisticsIntervalMs;
            consumer = new ConsumerBuilder<string?, byte[]>(config)
                // While no broker answers, librdkafka keeps retrying and Consume just returns nothing: these two
                // handlers are what tells the host that Kafka is down, and when it is back.
                .SetErrorHandler((_, error) => _health.OnError(error))
                .SetStatisticsHandler((_, json) => _health.OnStatistics(json))
                .SetLogHandler(KafkaLog.Handle)
                .SetPartitionsAssignedHandler((_, partitions) => OnAssigned(partitions))
                .SetPartitionsRevokedHandler((_, partitions) => OnRevoked([.. partitions.Select(p => p.TopicPartition)]))
                .SetPartitionsLostHandler((_, partitions) => OnRevoked([.. partitions.Select(p => p.TopicPartition)]))
                .Build();
            consumer.Subscribe(_topics);
            Poll(consumer);
            if (_handlerFailure is null)
            {
                // Leaves the group now (revoking through the handler) instead of after a session timeout.
                consumer.Close();
            }
        }
        catch (Exception e)
        {
            failure = e;
        }
        finally
        {
            consumer?.Dispose();
            failure ??= _handlerFailure;
            _records.Writer.TryComplete();
            FailPendingCommits();
            if (failure is null)
            {
                _finished.TrySetResult();
            }
            else
            {
                _finished.TrySetException(failure);
                _onFailure(failure);
            }
        }
    }

    private void Poll(IConsumer<string?, byte[]> consumer)
    {
        var paused = false;
        var appliedVersion = -1;
        var nextLagUpdate = DateTime.UtcNow;
        DateTime? fullSince = null;
        while (!_stop.IsCancellationRequested)
        {
            if (_handlerFailure is not null)
            {
                return;
            }

            ServeCommits(consumer);
            var now = DateTime.UtcNow;
            if (now >= nextLagUpdate)
            {
                UpdateLag(consumer, paused);
                nextLagUpdate = now + LagInterval;
            }

            // A full buffer first just stops the reading: the records wait in librdkafka's bounded prefetch queue.
            // Only a stall longer than StallBeforePause pauses the partitions, so that Consume runs again and
            // rebalances are served; pausing is not the normal brake, since each resume costs a fetch round trip.
            var full = Volatile.Read(ref _buffered) >= _settings.BufferSize;
            fullSince = full ? fullSince ?? now : null;
            if (full && !paused && now - fullSince < StallBeforePause && appliedVersion == Volatile.Read(ref _assignmentVersion))
            {
                Thread.Sleep(1);
                continue;
            }

            ApplyBackPressure(consumer, full, ref paused, ref appliedVersion);
            ConsumeResult<string?, byte[]>? result;
            try
            {
                result = consumer.Consume(_settings.PollTimeout);
            }
            catch (ConsumeException e) when (!e.Error.IsFatal)
            {
                // A transient error (e.g. a topic not yet known to the broker): librdkafka retries by itself.
                continue;
            }

            if (result is { IsPartitionEOF: false, Message: not null }
                && _generations.TryGetValue(result.TopicPartition, out var generation))
            {
                EventTrace.Record(result, TraceStage.Fetched);
                Interlocked.Increment(ref _buffered);
                _records.Writer.TryWrite(new PolledRecord(result, generation));
            }
        }
    }

    private IEnumerable<TopicPartitionOffset> OnAssigned(List<TopicPartition> partitions)
    {
        try
        {
            var starts = _handler.OnAssigned(partitions);
            var result = new List<TopicPartitionOffset>(partitions.Count);
            foreach (var partition in partitions)
            {
                var start = starts.TryGetValue(partition, out var offset) ? offset : Offset.Beginning;
                _generations[partition] = Interlocked.Increment(ref _lastGeneration);
                if (start.IsSpecial)
                {
                    _nextToEmit.TryRemove(partition, out _);
                }
                else
                {
                    _nextToEmit[partition] = start.Value;
                }

                result.Add(new TopicPartitionOffset(partition, start));
            }

            _assignment = [.. _assignment.Union(partitions)];
            Interlocked.Increment(ref _assignmentVersion);
            return result;
        }
        catch (Exception e)
        {
            _handlerFailure = new InvalidOperationException($"The partition assignment handler failed for {string.Join(", ", partitions)}.", e);
            return [];
        }
    }

    private void OnRevoked(List<TopicPartition> partitions)
    {
        // Forget the partitions first, so the stage drops what it still buffers of them.
        foreach (var partition in partitions)
        {
            _generations.TryRemove(partition, out _);
            _nextToEmit.TryRemove(partition, out _);
        }

        _assignment = [.. _assignment.Except(partitions)];
        Interlocked.Increment(ref _assignmentVersion);
        try
        {
            _handler.OnRevoked(partitions);
        }
        catch (Exception e)
        {
            _handlerFailure ??= new InvalidOperationException($"The partition revocation handler failed for {string.Join(", ", partitions)}.", e);
        }
    }

    private void ApplyBackPressure(IConsumer<string?, byte[]> consumer, bool full, ref bool paused, ref int appliedVersion)
    {
        var buffered = Volatile.Read(ref _buffered);
        var version = Volatile.Read(ref _assignmentVersion);
        // Paused only after a long stall (see Poll); resumed once half the buffer has drained.
        var wantPaused = paused ? buffered > _settings.BufferSize / 2 : full;
        if (wantPaused == paused && appliedVersion == version)
        {
            return;
        }

        // Re-applied after every assignment change: librdkafka keeps a partition's pause flag across
        // unassign/assign, so a partition paused before a rebalance would otherwise stay paused for good.
        if (consumer.Assignment is { Count: > 0 } assignment)
        {
            if (wantPaused)
            {
                consumer.Pause(assignment);
            }
            else
            {
                consumer.Resume(assignment);
            }
        }

        paused = wantPaused;
        appliedVersion = version;
    }

    private void ServeCommits(IConsumer<string?, byte[]> consumer)
    {
        while (_commits.TryDequeue(out var request))
        {
            // A partition that moved to another member is not ours to commit.
            var owned = request.Offsets.Where(o => _generations.ContainsKey(o.TopicPartition)).ToList();
            try
            {
                if (owned.Count > 0)
                {
                    consumer.Commit(owned);
                }

                request.Done.TrySetResult(owned);
            }
            catch (KafkaException e)
            {
                request.Done.TrySetException(e);
            }
        }
    }

    private void FailPendingCommits()
    {
        while (_commits.TryDequeue(out var request))
        {
            request.Done.TrySetException(new InvalidOperationException("The Kafka consumer closed before the commit."));
        }
    }

    private void UpdateLag(IConsumer<string?, byte[]> consumer, bool paused)
    {
        var lag = new Dictionary<TopicPartition, long>();
        foreach (var partition in _assignment)
        {
            try
            {
                // Cached by librdkafka from fetch responses, which paused partitions no longer get: then
                // (or before the first fetch) ask the broker, since lag matters most while we fall behind.
                var watermarks = consumer.GetWatermarkOffsets(partition);
                if (paused || watermarks.High.IsSpecial)
                {
                    watermarks = consumer.QueryWatermarkOffsets(partition, WatermarkQueryTimeout);
                }

                if (watermarks.High.IsSpecial)
                {
                    continue;
                }

                // Until a record is emitted, a partition started "from the beginning" counts from its low watermark.
                var next = _nextToEmit.TryGetValue(partition, out var emitted) ? emitted
                    : watermarks.Low.IsSpecial ? (long?)null : watermarks.Low.Value;
                if (next is { } from)
                {
                    lag[partition] = Math.Max(0, watermarks.High.Value - from);
                }
            }
            catch (KafkaException)
            {
                // The partition went during the loop; it simply has no lag figure this time.
            }
        }

        _lag = lag;
    }
}
