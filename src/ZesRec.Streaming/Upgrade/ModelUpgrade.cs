using Npgsql;
using Pgvector;
using ZesRec.Model;
using ZesRec.Streaming.Serving;
using ZesRec.Streaming.Storage;
using ZesRec.Text;
using static TorchSharp.torch;

namespace ZesRec.Streaming.Upgrade;

/// <summary>
/// Moves a store from its serving model to a new one without replaying the topics: the new version's item vectors
/// are embedded from the item texts the store keeps and its user states rebuilt from the stored histories, beside
/// the serving version's rows, in batches that each commit (a killed run resumes where it stopped). The switch
/// then catches up what the serving processor wrote meanwhile and records the new model as serving, in one
/// transaction that waits for any flush in progress; the old processor's next flush finds another model serving
/// and stops without writing, and a processor of the new model resumes from the same input offsets.
/// </summary>
public sealed class ModelUpgrade(NpgsqlDataSource dataSource, ZesRecModel model, ModelCard card, ITextEncoder encoder, Device device, TextWriter log)
{
    /// <summary>Items embedded, or users rebuilt, per committed batch.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Called with the running count after each committed batch of items (progress, and where tests interrupt).</summary>
    public Action<int>? ItemsCommitted { get; init; }

    private const string MissingItemsSql = """
        SELECT o.item_id, o.text, o.created_at, o.removed_at FROM items o
        WHERE o.model_version = $1
          AND NOT EXISTS (SELECT 1 FROM items n WHERE n.model_version = $2 AND n.item_id = o.item_id
                          AND n.text = o.text AND n.removed_at IS NOT DISTINCT FROM o.removed_at)
        ORDER BY o.item_id
        LIMIT $3
        """;

    // Users whose new-version row is missing or behind the serving one: the whole set when preparing, what the serving
    // processor applied since then when switching.
    private const string StaleUsersSql = """
        SELECT o.user_id, o.partition, o.state, o.history, o.last_offset, o.interactions, o.last_order_key, o.history_keys
        FROM user_states o
        LEFT JOIN user_states n ON n.model_version = $2 AND n.user_id = o.user_id
        WHERE o.model_version = $1 AND o.user_id > $3
          AND (n.user_id IS NULL OR n.last_offset <> o.last_offset OR n.interactions <> o.interactions OR n.partition <> o.partition)
        ORDER BY o.user_id
        LIMIT $4
        """;

    private readonly ItemStore items = new(dataSource, card.ModelVersion);
    private readonly StateStore states = new(dataSource, card.ModelVersion);
    private readonly StateRebuilder rebuilder = new(model, device);
    private Dictionary<string, float[]>? vectors;

    public string Version => card.ModelVersion;

    /// <summary>The serving version, checked to be another model of the same dimension.</summary>
    public async Task<string> ServingAsync(CancellationToken cancellationToken)
    {
        var serving = await StoreSchema.ServingVersionAsync(dataSource, cancellationToken).ConfigureAwait(false)
            ?? throw new UpgradeException("the store has no serving model yet: serve a model on it first ('zesrec serve' creates and claims it)");
        await using var command = dataSource.CreateCommand("SELECT dimension FROM schema_version");
        var dimension = (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        if (dimension != card.Config.Dim)
        {
            throw new UpgradeException(
                $"model {card.ModelVersion} has embedding dimension {card.Config.Dim}, the store {dimension}: it cannot be upgraded in place; serve it with its own store and consumer group (docs/operations.md, \"Upgrade a model\")");
        }

        return serving;
    }

    /// <summary>Embeds the serving version's items and rebuilds its users under the new model; repeatable and resumable.</summary>
    public async Task<(int Items, int Users)> PrepareAsync(string serving, CancellationToken cancellationToken)
    {
        // Recorded first: a processor of the new model started meanwhile waits for the switch instead of refusing.
        await using (var next = dataSource.CreateCommand("UPDATE schema_version SET next_model = $1 WHERE serving_model <> $1"))
        {
            next.Parameters.Add(new NpgsqlParameter<string> { TypedValue = card.ModelVersion });
            await next.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return await CatchUpAsync(serving, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(int Items, int Users)> CatchUpAsync(string serving, CancellationToken cancellationToken)
    {
        var embedded = await EmbedMissingAsync(serving, cancellationToken).ConfigureAwait(false);
        log.WriteLine($"zesrec upgrade: {embedded:N0} items embedded by model {card.ModelVersion}");
        var rebuilt = await RebuildStaleAsync(serving, cancellationToken).ConfigureAwait(false);
        log.WriteLine($"zesrec upgrade: {rebuilt:N0} user states rebuilt by model {card.ModelVersion}");
        return (embedded, rebuilt);
    }

    /// <summary>
    /// Catches up and records the new model as serving. Holds the schema_version row for the whole catch-up: the
    /// serving processor's flushes check that row (<see cref="StateStore"/> with servingOnly), so none lands between
    /// the catch-up and the switch.
    /// </summary>
    public async Task<(int Items, int Users)> SwitchAsync(string serving, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockRow = new NpgsqlCommand("SELECT serving_model FROM schema_version FOR UPDATE", connection))
        {
            var now = (string?)await lockRow.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (now != serving)
            {
                throw new UpgradeException($"the store's serving model changed to {now} while upgrading from {serving}; run 'zesrec upgrade' again");
            }
        }

        // On other connections: they write only the new version's rows, which nothing else locks.
        var caught = await CatchUpAsync(serving, cancellationToken).ConfigureAwait(false);
        await using (var flip = new NpgsqlCommand("UPDATE schema_version SET serving_model = $1, next_model = NULL", connection))
        {
            flip.Parameters.Add(new NpgsqlParameter<string> { TypedValue = card.ModelVersion });
            await flip.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        log.WriteLine($"zesrec upgrade: model {card.ModelVersion} now serves the store (was {serving})");
        return caught;
    }

    /// <summary>Deletes the rows of every version but the serving one; returns the item and user rows deleted.</summary>
    public static async Task<(int Items, int Users)> DropOthersAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var serving = await StoreSchema.ServingVersionAsync(dataSource, cancellationToken).ConfigureAwait(false)
            ?? throw new UpgradeException("the store has no serving model: nothing to keep");
        await using var batch = dataSource.CreateBatch();
        foreach (var table in new[] { "items", "user_states" })
        {
            var command = new NpgsqlBatchCommand($"DELETE FROM {table} WHERE model_version <> $1");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serving });
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return (batch.BatchCommands[0].RecordsAffected, batch.BatchCommands[1].RecordsAffected);
    }

    private async Task<int> EmbedMissingAsync(string serving, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            var batch = new List<(string Id, string Text, DateTimeOffset? CreatedAt, DateTimeOffset? RemovedAt)>();
            await using (var command = dataSource.CreateCommand(MissingItemsSql))
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serving });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = card.ModelVersion });
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = BatchSize });
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    batch.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                        reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3)));
                }
            }

            if (batch.Count == 0)
            {
                return total;
            }

            var embedded = Embed([.. batch.Select(b => b.Text)]);
            await items.UpsertAsync([.. batch.Select((b, i) => new StoredItem(b.Id, b.Text, embedded[i], b.CreatedAt, b.RemovedAt))], cancellationToken).ConfigureAwait(false);
            total += batch.Count;
            vectors = null;
            ItemsCommitted?.Invoke(total);
        }
    }

    private async Task<int> RebuildStaleAsync(string serving, CancellationToken cancellationToken)
    {
        // A model whose states are rebuilt from the last inputs (TCN) stores histories only, as the processor flushes
        // them: the processor rebuilds such a state when it reads the user back.
        var fromHistory = model.StateWindow is not null;
        var itemVectors = fromHistory ? null : vectors ??= await LoadVectorsAsync(cancellationToken).ConfigureAwait(false);
        var total = 0;
        var after = "";
        while (true)
        {
            var rows = new List<UserStateRow>();
            await using (var command = dataSource.CreateCommand(StaleUsersSql))
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serving });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = card.ModelVersion });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = after });
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = BatchSize });
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows.Add(StateStore.ReadRow(reader));
                }
            }

            if (rows.Count == 0)
            {
                return total;
            }

            var rebuilt = itemVectors is null ? [.. rows.Select(r => r with { State = [] })] : rebuilder.Rebuild(rows, itemVectors);
            await states.FlushAsync(rebuilt, [], cancellationToken).ConfigureAwait(false);
            total += rows.Count;
            after = rows[^1].UserId;
        }
    }

    private async Task<Dictionary<string, float[]>> LoadVectorsAsync(CancellationToken cancellationToken)
    {
        var all = new Dictionary<string, float[]>(StringComparer.Ordinal);
        await foreach (var item in items.LoadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            all[item.ItemId] = item.Embedding;
        }

        return all;
    }

    private float[][] Embed(IReadOnlyList<string> texts) => ItemEmbedder.Embed(encoder, model, device, texts);
}
