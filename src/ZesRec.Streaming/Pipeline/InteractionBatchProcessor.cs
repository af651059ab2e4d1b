using Confluent.Kafka;
using Prometheus;
using ZesRec.Data.Events;
using ZesRec.Streaming.Observability;
using ZesRec.Streaming.Serving;

namespace ZesRec.Streaming.Pipeline;

/// <summary>
/// Applies a micro-batch of interaction records: validates them, advances each user's state in batched steps
/// (a user's k-th interaction of the batch goes in the k-th wave, so per-user order holds), scores every item and
/// builds the recommendation events. An interaction whose item is not in the catalogue yet waits, holding back the
/// user's later interactions and its partition's stored offset, until the item arrives or the wait runs out.
/// Runs one batch at a time.
/// </summary>
public sealed class InteractionBatchProcessor(
    UserSessions sessions,
    Recommender recommender,
    ITopKScorer scorer,
    ItemCatalog catalog,
    EventParser parser,
    OnlineMetrics online,
    PipelineSettings settings,
    PoisonGuard guard,
    TimeProvider clock)
{
    private readonly Dictionary<int, long> consumedNext = [];
    private long batchNumber;
    private List<Waiting> pending = [];
    private string[]? dummyRecommendation;
    private long dummyCatalogVersion = -1;

    public async Task<BatchOutcome> ProcessAsync(IReadOnlyList<ConsumeResult<string?, byte[]>> batch)
    {
        EventTrace.Record(batch, TraceStage.ProcessStart);
        // The freshness policy runs at batch boundaries, clock ticks included, so stale items leave without traffic too.
        if (settings.MaxItemAge is { } maxAge && catalog.Expire(clock.GetUtcNow(), maxAge) is var expired and > 0)
        {
            ZesRecMetrics.ItemsExpired.Inc(expired);
            ZesRecMetrics.CatalogCandidates.Set(catalog.CandidateCount);
        }

        if (batch.Count == 0 && pending.Count == 0)
        {
            // A clock tick with nothing waiting for its item: nothing to do.
            return new BatchOutcome();
        }

        await sessions.ProcessGate.WaitAsync();
        List<ConsumeResult<string?, byte[]>> inputs = [.. pending.Select(w => w.Record), .. batch];
        try
        {
            using var timer = ZesRecMetrics.ScorerSeconds.NewTimer();
            var read = Read(batch);
            // Users not in memory (new, evicted, or another owner's), also those of interactions still waiting for
            // their item: their stored states are read in one query before anything is stepped.
            var missing = read.Select(r => r.Event).Concat(pending.Select(w => w.Event))
                .Where(e => e is not null && sessions.Find(e.UserId) is null).Select(e => e!.UserId).Distinct(StringComparer.Ordinal).ToList();
            var storedElsewhere = await sessions.LoadMissingAsync(missing);
            BatchOutcome outcome;
            // One view of the catalogue for the whole batch: an item change lands before or after it, never inside.
            using (catalog.Pin())
            {
                outcome = Process(read, storedElsewhere);
            }

            outcome.Inputs.AddRange(inputs);
            EventTrace.Record(batch, TraceStage.ProcessEnd);
            sessions.EvictIdle();
            return outcome;
        }
        catch (Exception e) when (e is not BatchFailedException)
        {
            throw new BatchFailedException(inputs, e);
        }
        finally
        {
            sessions.ProcessGate.Release();
        }
    }

    /// <summary>The batch's records of owned partitions, parsed, or with the reason they go to the dead-letter topic.</summary>
    private List<ReadRecord> Read(IReadOnlyList<ConsumeResult<string?, byte[]>> batch)
    {
        var read = new List<ReadRecord>(batch.Count);
        foreach (var record in batch)
        {
            var partition = record.Partition.Value;
            if (!sessions.Owns(partition))
            {
                continue;
            }

            ZesRecMetrics.EventsConsumed.WithLabels(record.Topic).Inc();
            consumedNext[partition] = Math.Max(consumedNext.GetValueOrDefault(partition), record.Offset.Value + 1);
            if (guard.Quarantined(record) is { } failure)
            {
                read.Add(new ReadRecord(record, null, ReasonCodes.Unprocessable, failure));
                continue;
            }

            var parsed = parser.ParseInteraction(record.Message.Value ?? []);
            if (!parsed.IsValid)
            {
                read.Add(new ReadRecord(record, null, parsed.ReasonCode, parsed.Reason));
            }
            else if (record.Message.Key is { } key && !string.Equals(key, parsed.Event.UserId, StringComparison.Ordinal))
            {
                read.Add(new ReadRecord(record, null, ReasonCodes.KeyMismatch,
                    $"the message key '{EventText.Shorten(key)}' is not the interaction's userId '{parsed.Event.UserId}'; key interactions by userId, so that each user's events stay in order on one partition"));
            }
            else
            {
                read.Add(new ReadRecord(record, parsed.Event, null, null));
            }
        }

        return read;
    }

    private BatchOutcome Process(List<ReadRecord> batch, IReadOnlyDictionary<string, int> storedElsewhere)
    {
        var outcome = new BatchOutcome { Batch = batchNumber++ };
        var now = clock.GetUtcNow();
        var work = new List<Work>();
        var blocked = new HashSet<string>(StringComparer.Ordinal);
        var waiting = new List<Waiting>();

        foreach (var w in pending.Where(w => sessions.Owns(w.Record.Partition.Value)))
        {
            if (blocked.Contains(w.Event.UserId))
            {
                waiting.Add(w);
            }
            else if (catalog.TryGetRow(w.Event.ItemId, out var row))
            {
                work.Add(new Work(w.Record, w.Event, row));
            }
            else if (now >= w.Deadline)
            {
                outcome.Messages.Add(DeadLetters.For(w.Record, ReasonCodes.UnknownItem,
                    $"item '{w.Event.ItemId}' was not in the catalogue within {settings.UnknownItemWait.TotalSeconds:0.#} s of the interaction; publish its item-created event first",
                    settings, now));
            }
            else
            {
                waiting.Add(w);
                blocked.Add(w.Event.UserId);
            }
        }

        foreach (var (record, ev, code, reason) in batch)
        {
            var partition = record.Partition.Value;
            if (ev is null)
            {
                outcome.Messages.Add(DeadLetters.For(record, code!, reason!, settings, now));
                continue;
            }

            if (sessions.Find(ev.UserId) is { } known && known.Partition == partition && record.Offset.Value <= known.LastOffset)
            {
                // Re-read after a restart: this interaction is already in the stored state.
                ZesRecMetrics.DuplicatesSkipped.Inc();
                continue;
            }

            if (storedElsewhere.TryGetValue(ev.UserId, out var owner) && owner != partition)
            {
                outcome.Messages.Add(PartitionMismatch(record, ev, owner, now));
                continue;
            }

            if (!blocked.Contains(ev.UserId) && catalog.TryGetRow(ev.ItemId, out var row))
            {
                work.Add(new Work(record, ev, row));
            }
            else
            {
                waiting.Add(new Waiting(record, ev, now + settings.UnknownItemWait));
                blocked.Add(ev.UserId);
            }
        }

        pending = waiting;
        ZesRecMetrics.PendingInteractions.Set(pending.Count);
        Apply(work, outcome, now);
        AddOffsets(outcome);
        return outcome;
    }

    private void Apply(List<Work> work, BatchOutcome outcome, DateTimeOffset now)
    {
        var dirty = new Dictionary<string, UserSession>(StringComparer.Ordinal);
        var queues = new Dictionary<string, Queue<Work>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var w in work)
        {
            if (!queues.TryGetValue(w.Event.UserId, out var q))
            {
                queues[w.Event.UserId] = q = new Queue<Work>();
                order.Add(w.Event.UserId);
            }

            q.Enqueue(w);
        }

        while (order.Count > 0)
        {
            var wave = new List<Work>(order.Count);
            foreach (var w in order.Select(u => queues[u].Dequeue()))
            {
                if (OutOfSequence(w, now) is { } rejected)
                {
                    outcome.Messages.Add(rejected);
                }
                else
                {
                    wave.Add(w);
                }
            }

            order.RemoveAll(u => queues[u].Count == 0);
            if (wave.Count == 0)
            {
                continue;
            }

            var users = SessionsFor(wave);

            foreach (var (w, session) in wave.Zip(users))
            {
                if (session.LastRecommendation is { } held)
                {
                    online.Record(held, w.Event.ItemId, w.Event.UserId, w.Event.OrderKey);
                }
            }

            var next = recommender.Step([.. users.Select(u => u.State)], [.. wave.Select(w => w.Row)], [.. wave.Select(w => w.Event.OrderKey)]);
            for (var i = 0; i < wave.Count; i++)
            {
                users[i].State = next[i];
                users[i].Remember(wave[i].Event.ItemId, wave[i].Event.OrderKey, settings.MaxHistory);
                users[i].LastOffset = wave[i].Record.Offset.Value;
                users[i].LastOrderKey = wave[i].Event.OrderKey;
                users[i].Interactions++;
                sessions.Changed(users[i], outcome.Batch);
                dirty[users[i].UserId] = users[i];
            }

            var ranked = scorer.TopK(next, [.. users.Select(u => (IReadOnlySet<string>)u.Seen)], Math.Max(settings.TopK, online.K));
            for (var i = 0; i < wave.Count; i++)
            {
                users[i].LastRecommendation = [.. ranked[i].Select(r => r.ItemId)];
                outcome.Messages.Add(Recommendation(wave[i], ranked[i], now));
            }
        }

        var (ndcg, recall, evaluated) = online.Snapshot();
        ZesRecMetrics.OnlineNdcg.Set(ndcg);
        ZesRecMetrics.OnlineRecall.Set(recall);
        ZesRecMetrics.OnlineEvaluated.IncTo(evaluated);
        ZesRecMetrics.UsersInMemory.Set(sessions.Count);
        outcome.States.AddRange(dirty.Values.Select(sessions.ToRow));
    }

    /// <summary>
    /// A dead letter for an interaction that would break its user's order (older than the last applied one) or
    /// repeats it (same item at the same time or position); null when it may be applied. Checked wave by wave, so
    /// an interaction is compared with the one applied just before it, also within one batch.
    /// </summary>
    private Outgoing? OutOfSequence(Work w, DateTimeOffset now)
    {
        if (sessions.Find(w.Event.UserId) is not { LastOrderKey: { } last } session)
        {
            return null;
        }

        if (session.Partition != w.Record.Partition.Value)
        {
            return PartitionMismatch(w.Record, w.Event, session.Partition, now);
        }

        var key = w.Event.OrderKey;
        if (key < last)
        {
            return DeadLetters.For(w.Record, ReasonCodes.OutOfOrder,
                $"interaction of user '{w.Event.UserId}' at {Describe(w.Event, key)} is older than the user's last applied interaction at {Describe(w.Event, last)}; "
                + "a user's interactions are applied in time order, so publish them in order (keyed by user id)",
                settings, now);
        }

        if (key == last && session.History.Count > 0 && session.History[^1] == w.Event.ItemId)
        {
            return DeadLetters.For(w.Record, ReasonCodes.Duplicate,
                $"user '{w.Event.UserId}' already interacted with item '{w.Event.ItemId}' at {Describe(w.Event, key)} (applied from offset {session.LastOffset}); "
                + "the repeated event was not applied again",
                settings, now);
        }

        return null;
    }

    private Outgoing PartitionMismatch(ConsumeResult<string?, byte[]> record, InteractionOccurred ev, int owner, DateTimeOffset now) =>
        DeadLetters.For(record, ReasonCodes.PartitionMismatch,
            $"user '{ev.UserId}' is kept on partition {owner} of {record.Topic}, but this interaction came on partition {record.Partition.Value}; "
            + "publish all of a user's interactions with the user id as the key and one partitioner, so they stay in order on one partition",
            settings, now);

    // A user's earlier interaction may have had a position where this one has a time: any key must be describable.
    private static string Describe(InteractionOccurred e, long key) =>
        e.Timestamp is null || key < MinUnixSeconds || key > MaxUnixSeconds
            ? $"position {key}"
            : DateTimeOffset.FromUnixTimeSeconds(key).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    private static readonly long MinUnixSeconds = DateTimeOffset.MinValue.ToUnixTimeSeconds();

    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    /// <summary>
    /// The sessions of a wave's users; new users start from the dummy item, all in one batched step. Their
    /// recommendation then is what their first interaction is scored against: every new user holds the same one,
    /// so it is computed once per catalogue version.
    /// </summary>
    private List<UserSession> SessionsFor(List<Work> wave)
    {
        var fresh = wave.Where(w => sessions.Find(w.Event.UserId) is null).ToList();
        if (fresh.Count > 0)
        {
            var starts = recommender.StartStates([.. fresh.Select(w => w.Event.OrderKey)]);
            var held = DummyRecommendation(starts[0]);
            for (var i = 0; i < fresh.Count; i++)
            {
                sessions.Add(new UserSession(fresh[i].Event.UserId, fresh[i].Record.Partition.Value, starts[i]) { LastRecommendation = held });
            }
        }

        return [.. wave.Select(w => sessions.Find(w.Event.UserId)!)];
    }

    private string[] DummyRecommendation(float[] start)
    {
        var version = catalog.Version;
        if (dummyRecommendation is null || dummyCatalogVersion != version)
        {
            dummyRecommendation = [.. scorer.TopK([start], [new HashSet<string>()], online.K)[0].Select(r => r.ItemId)];
            dummyCatalogVersion = version;
        }

        return dummyRecommendation;
    }

    private Outgoing Recommendation(Work w, (string ItemId, float Score)[] ranked, DateTimeOffset now)
    {
        var r = w.Record;
        var ev = new RecommendationPublished(
            RecommendationPublished.CurrentVersion,
            RecommendationPublished.EventIdFor(r.Topic, r.Partition.Value, r.Offset.Value),
            w.Event.UserId,
            [.. ranked.Take(settings.TopK).Select(x => new RecommendedItem(x.ItemId, x.Score))],
            settings.ModelVersion,
            r.Topic,
            r.Partition.Value,
            r.Offset.Value,
            now);
        return new Outgoing(settings.RecommendationsTopic, w.Event.UserId, EventJson.Serialize(ev), r.Message.Timestamp.UtcDateTime);
    }

    /// <summary>The stored next offset of a partition never passes an interaction still waiting for its item.</summary>
    private void AddOffsets(BatchOutcome outcome)
    {
        foreach (var gone in consumedNext.Keys.Where(p => !sessions.Owns(p)).ToList())
        {
            consumedNext.Remove(gone);
        }

        foreach (var (partition, next) in consumedNext)
        {
            var earliestWaiting = pending.Where(w => w.Record.Partition.Value == partition).Select(w => w.Record.Offset.Value).DefaultIfEmpty(long.MaxValue).Min();
            outcome.Offsets.Add((settings.InteractionsTopic, partition, Math.Min(next, earliestWaiting)));
        }
    }

    private sealed record ReadRecord(ConsumeResult<string?, byte[]> Record, InteractionOccurred? Event, string? Code, string? Reason);

    private sealed record Work(ConsumeResult<string?, byte[]> Record, InteractionOccurred Event, int Row);

    private sealed record Waiting(ConsumeResult<string?, byte[]> Record, InteractionOccurred Event, DateTimeOffset Deadline);
}
