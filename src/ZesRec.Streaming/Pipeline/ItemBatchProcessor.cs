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

/// <summary>A batch between the encode and store stages.</summary>
public sealed record EncodedItems(BatchOutcome Outcome, IReadOnlyList<ItemCreated> Items, float[][] Vectors);

/// <summary>
/// Encodes a micro-batch of item-created events (text encoder, then the model's item layer), upserts them into
/// PostgreSQL and adds them to the in-memory catalogue; from then on they can be recommended.
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
        var latest = new Dictionary<string, ItemCreated>(StringComparer.Ordinal);
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

            var parsed = parser.ParseItem(record.Message.Value ?? []);
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
                latest[parsed.Event.ItemId] = parsed.Event;
            }
        }

        outcome.Offsets.AddRange(next.Select(kv => (settings.ItemOffsetsKey, kv.Key, kv.Value)));
        var items = latest.Values.ToList();
        if (items.Count == 0)
        {
            return new EncodedItems(outcome, items, []);
        }

        using (ZesRecMetrics.EncoderSeconds.NewTimer())
        {
            return new EncodedItems(outcome, items, await Task.Run(() => Encode(items)));
        }
    }

    /// <summary>Upserts encoded items into PostgreSQL, then adds them to the catalogue: from then on they can be recommended.</summary>
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
        if (encoded.Items.Count > 0)
        {
            using (ZesRecMetrics.StoreSeconds.WithLabels("items").NewTimer())
            {
                await store.UpsertAsync([.. encoded.Items.Select((it, i) => new StoredItem(it.ItemId, it.Text, encoded.Vectors[i], it.CreatedAt))]);
            }

            AddToCatalog([.. encoded.Items.Select(i => i.ItemId)], encoded.Vectors);
        }
    }

    /// <summary>Adds stored items (startup load) to the catalogue.</summary>
    public void AddToCatalog(IReadOnlyList<string> ids, IReadOnlyList<float[]> vectors)
    {
        var dim = catalog.Dim;
        var flat = new float[ids.Count * dim];
        for (var i = 0; i < ids.Count; i++)
        {
            vectors[i].CopyTo(flat, i * dim);
        }

        using var t = tensor(flat, [ids.Count, dim], device: device);
        catalog.Upsert(ids, t);
        ZesRecMetrics.CatalogItems.Set(catalog.Count);
    }

    private float[][] Encode(List<ItemCreated> items)
    {
        var text = encoder.Encode([.. items.Select(i => i.Text)]);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var flat = new float[items.Count * encoder.Dimension];
        for (var i = 0; i < items.Count; i++)
        {
            text[i].CopyTo(flat, i * encoder.Dimension);
        }

        var vectors = model.ItemVectors(tensor(flat, [items.Count, encoder.Dimension], device: device)).cpu();
        var dim = (int)vectors.shape[1];
        var all = vectors.data<float>().ToArray();
        return [.. Enumerable.Range(0, items.Count).Select(i => all.AsSpan(i * dim, dim).ToArray())];
    }
}
