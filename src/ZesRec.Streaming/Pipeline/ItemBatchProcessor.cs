using Confluent.Kafka;
using Prometheus;
using ZesRec.Data.Events;
using ZesRec.Model;
using ZesRec.Streaming.Observability;
using ZesRec.Streaming.Serving;
using ZesRec.Streaming.Storage;
using ZesRec.Text;
using static TorchSharp.torch;

namespace ZesRec.Streaming.Pipeline;

/// <summary>A batch between the encode and store stages: its valid item events in order, and a vector for each one with a text.</summary>
public sealed record EncodedItems(BatchOutcome Outcome, IReadOnlyList<ConsumeResult<string?, byte[]>> Records, IReadOnlyList<IItemEvent> Events, float[]?[] Vectors);

/// <summary>
/// Applies a micro-batch of item events: item-created and item-updated texts are encoded (text encoder, then the
/// model's item layer), and every change is stored in PostgreSQL, then made in the in-memory catalogue at once
/// (<see cref="ItemCatalog.Pin"/>), between two interaction batches. The rules per item are <see cref="ItemChanges"/>'.
/// </summary>
public sealed class ItemBatchProcessor(
    ITextEncoder encoder,
    ZesRecModel model,
    Device device,
    ItemCatalog catalog,
    ItemStore store,
    EventParser parser,
    PipelineSettings settings,
    PoisonGuard guard,
    TimeProvider clock)
{
    /// <summary>Validates and encodes a batch (text encoder, then the item layer); dead letters go in the outcome.</summary>
    public async Task<EncodedItems> EncodeAsync(IReadOnlyList<ConsumeResult<string?, byte[]>> batch)
    {
        try
        {
            return await EncodeOnceAsync(batch);
        }
        catch (Exception e)
        {
            throw new BatchFailedException(batch, e);
        }
    }

    private async Task<EncodedItems> EncodeOnceAsync(IReadOnlyList<ConsumeResult<string?, byte[]>> batch)
    {
        var outcome = new BatchOutcome();
        outcome.Inputs.AddRange(batch);
        var now = clock.GetUtcNow();
        var records = new List<ConsumeResult<string?, byte[]>>();
        var events = new List<IItemEvent>();
        var next = new Dictionary<int, long>();
        foreach (var record in batch)
        {
            ZesRecMetrics.EventsConsumed.WithLabels(record.Topic).Inc();
            next[record.Partition.Value] = Math.Max(next.GetValueOrDefault(record.Partition.Value), record.Offset.Value + 1);
            if (guard.Quarantined(record) is { } failure)
            {
                outcome.Messages.Add(DeadLetters.For(record, ReasonCodes.Unprocessable, failure, settings, now));
                continue;
            }

            var parsed = parser.ParseItemEvent(record.Message.Value ?? []);
            if (!parsed.IsValid)
            {
                outcome.Messages.Add(DeadLetters.For(record, parsed.ReasonCode, parsed.Reason, settings, now));
            }
            else if (record.Message.Key is { } key && !string.Equals(key, parsed.Event.ItemId, StringComparison.Ordinal))
            {
                outcome.Messages.Add(DeadLetters.For(record, ReasonCodes.KeyMismatch,
                    $"the message key '{EventText.Shorten(key)}' is not the item's itemId '{parsed.Event.ItemId}'; key item events by itemId, so that an item's versions stay in order",
                    settings, now));
            }
            else
            {
                records.Add(record);
                events.Add(parsed.Event);
            }
        }

        outcome.Offsets.AddRange(next.Select(kv => (settings.ItemOffsetsKey, kv.Key, kv.Value)));
        var vectors = new float[]?[events.Count];
        var texts = events.Select((e, i) => (Text: TextOf(e), At: i)).Where(t => t.Text is not null).ToList();
        if (texts.Count == 0)
        {
            return new EncodedItems(outcome, records, events, vectors);
        }

        using (ZesRecMetrics.EncoderSeconds.NewTimer())
        {
            var encoded = await Task.Run(() => Encode([.. texts.Select(t => t.Text!)]));
            for (var i = 0; i < texts.Count; i++)
            {
                vectors[texts[i].At] = encoded[i];
            }
        }

        return new EncodedItems(outcome, records, events, vectors);
    }

    /// <summary>Stores the batch's changes in PostgreSQL, then makes them in the catalogue: from then on they count.</summary>
    public async Task<BatchOutcome> StoreAsync(EncodedItems encoded)
    {
        try
        {
            await StoreOnceAsync(encoded);
        }
        catch (Exception e)
        {
            throw new BatchFailedException(encoded.Outcome.Inputs, e);
        }

        return encoded.Outcome;
    }

    private async Task StoreOnceAsync(EncodedItems encoded)
    {
        if (encoded.Events.Count == 0)
        {
            return;
        }

        // Folded here, not while encoding: the previous batch's changes are in the catalogue only once it is stored.
        var now = clock.GetUtcNow();
        var fold = ItemChanges.Fold(encoded.Events, catalog.StateOf, now);
        foreach (var (at, reason) in fold.Refused)
        {
            encoded.Outcome.Messages.Add(DeadLetters.For(encoded.Records[at], ReasonCodes.UnknownItem, reason, settings, now));
        }

        var written = fold.Changes.Where(c => c.Text is not null).ToList();
        var removedOnly = fold.Changes.Where(c => c.Text is null && c.Removed).ToList();
        using (ZesRecMetrics.StoreSeconds.WithLabels("items").NewTimer())
        {
            await store.UpsertAsync([.. written.Select(c => new StoredItem(c.ItemId, c.Text!, encoded.Vectors[c.TextFrom]!, c.CreatedAt, c.Removed ? c.RemovedAt ?? now : null))]);
            await store.MarkRemovedAsync([.. removedOnly.Select(c => (c.ItemId, c.RemovedAt ?? now))]);
        }

        using (catalog.Pin())
        {
            if (written.Count > 0)
            {
                AddToCatalog([.. written.Select(c => c.ItemId)], [.. written.Select(c => encoded.Vectors[c.TextFrom]!)], [.. written.Select(c => new CatalogState(c.CreatedAt, c.Removed))]);
            }

            catalog.Remove(removedOnly.Select(c => c.ItemId));
        }

        ZesRecMetrics.ItemsUpdated.Inc(fold.Updated);
        ZesRecMetrics.ItemsRemoved.Inc(fold.Removed);
        ZesRecMetrics.CatalogCandidates.Set(catalog.CandidateCount);
    }

    /// <summary>Adds stored items (startup load) to the catalogue, with their creation times and removals.</summary>
    public void AddToCatalog(IReadOnlyList<string> ids, IReadOnlyList<float[]> vectors, IReadOnlyList<CatalogState>? states = null)
    {
        var dim = catalog.Dim;
        var flat = new float[ids.Count * dim];
        for (var i = 0; i < ids.Count; i++)
        {
            vectors[i].CopyTo(flat, i * dim);
        }

        using var t = tensor(flat, [ids.Count, dim], device: device);
        catalog.Upsert(ids, t, states);
        ZesRecMetrics.CatalogItems.Set(catalog.Count);
        ZesRecMetrics.CatalogCandidates.Set(catalog.CandidateCount);
    }

    private static string? TextOf(IItemEvent e) => e switch
    {
        ItemCreated c => c.Text,
        ItemUpdated u => u.Text,
        _ => null,
    };

    private float[][] Encode(IReadOnlyList<string> texts) => ItemEmbedder.Embed(encoder, model, device, texts);
}
