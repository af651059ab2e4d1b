using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;
using Pgvector;

namespace ZesRec.Streaming.Storage;

/// <summary>
/// The item catalogue of one model version: texts and their embeddings, searchable by inner product. Each model
/// version has its own rows, so a new version can be prepared beside the serving one.
/// </summary>
public sealed class ItemStore(NpgsqlDataSource dataSource, string modelVersion)
{
    // pgvector's upper bound for hnsw.ef_search; the default (40) also caps how many rows an index scan returns.
    private const int MaxEfSearch = 1000;
    private const int DefaultEfSearch = 40;

    private const string CreateStagingSql = """
        CREATE TEMP TABLE items_staging (
            item_id    text NOT NULL,
            text       text NOT NULL,
            embedding  vector NOT NULL,
            created_at timestamptz,
            removed_at timestamptz
        ) ON COMMIT DROP
        """;

    private const string CopySql = "COPY items_staging (item_id, text, embedding, created_at, removed_at) FROM STDIN (FORMAT BINARY)";

    private const string MergeSql = """
        INSERT INTO items (model_version, item_id, text, embedding, created_at, removed_at)
        SELECT $1, item_id, text, embedding, created_at, removed_at FROM items_staging ORDER BY item_id
        ON CONFLICT (model_version, item_id) DO UPDATE
        SET text = EXCLUDED.text, embedding = EXCLUDED.embedding, created_at = EXCLUDED.created_at, removed_at = EXCLUDED.removed_at, stored_at = now()
        """;

    private const string LoadAllSql = "SELECT item_id, text, embedding, created_at, removed_at FROM items WHERE model_version = $1 ORDER BY item_id";

    // Keeps text and vector: states of users who meet the item later still step with it, and an upgrade re-embeds it.
    private const string RemoveSql = """
        UPDATE items SET removed_at = r.at, stored_at = now()
        FROM unnest($2::text[], $3::timestamptz[]) AS r(id, at)
        WHERE model_version = $1 AND item_id = r.id AND removed_at IS NULL
        """;

    // <#> is the negative inner product, so ascending order is best first.
    private const string NearestSql = """
        SELECT item_id, -(embedding <#> $1) AS score
        FROM items
        WHERE model_version = $3 AND removed_at IS NULL AND ($4::timestamptz IS NULL OR created_at IS NULL OR created_at >= $4)
        ORDER BY embedding <#> $1
        LIMIT $2
        """;

    // One round trip for a batch of users: each array element is one user's vector (as text, cast per user), and
    // the LATERAL subquery is an HNSW index scan per user. Iterative scans (pgvector 0.8) keep an index scan going
    // when removed or expired rows filter out what it found first.
    private const string NearestBatchSql = """
        SELECT q.i, n.item_id, n.score
        FROM unnest($1::text[]) WITH ORDINALITY AS q(v, i)
        CROSS JOIN LATERAL (
            SELECT item_id, -(embedding <#> q.v::vector) AS score
            FROM items
            WHERE model_version = $3 AND removed_at IS NULL AND ($4::timestamptz IS NULL OR created_at IS NULL OR created_at >= $4)
            ORDER BY embedding <#> q.v::vector
            LIMIT $2) AS n
        """;

    public string ModelVersion => modelVersion;

    /// <summary>
    /// Inserts or replaces the items (the last one wins when an id repeats) in one transaction:
    /// binary COPY into a staging table, then one merge into <c>items</c>. Returns the rows written.
    /// </summary>
    public async Task<int> UpsertAsync(IReadOnlyList<StoredItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var unique = Deduplicate(items);
        if (unique.Count == 0)
        {
            return 0;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var create = new NpgsqlCommand(CreateStagingSql, connection))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var writer = await connection.BeginBinaryImportAsync(CopySql, cancellationToken).ConfigureAwait(false))
        {
            foreach (var item in unique)
            {
                await writer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(item.ItemId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(item.Text, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(new Vector(item.Embedding), cancellationToken).ConfigureAwait(false);
                await WriteTimeAsync(writer, item.CreatedAt, cancellationToken).ConfigureAwait(false);
                await WriteTimeAsync(writer, item.RemovedAt, cancellationToken).ConfigureAwait(false);
            }

            await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        int written;
        await using (var merge = new NpgsqlCommand(MergeSql, connection))
        {
            merge.Parameters.Add(new NpgsqlParameter<string> { TypedValue = modelVersion });
            written = await merge.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return written;
    }

    /// <summary>Streams the whole catalogue in item id order (e.g. to build the in-memory index at start).</summary>
    public async IAsyncEnumerable<StoredItem> LoadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(LoadAllSql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = modelVersion });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new StoredItem(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetFieldValue<Vector>(2).ToArray(),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4));
        }
    }

    /// <summary>
    /// Marks stored items as removed at the given times (their text and vector stay); items removed already keep
    /// their first removal time. Returns the rows changed.
    /// </summary>
    public async Task<int> MarkRemovedAsync(IReadOnlyList<(string ItemId, DateTimeOffset RemovedAt)> removals, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(removals);
        if (removals.Count == 0)
        {
            return 0;
        }

        await using var command = dataSource.CreateCommand(RemoveSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = modelVersion });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. removals.Select(r => r.ItemId)] });
        command.Parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = [.. removals.Select(r => r.RemovedAt.UtcDateTime)] });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The <paramref name="k"/> items of largest inner product with <paramref name="query"/>, best
    /// first, leaving out <paramref name="excluding"/> (e.g. what the user has already seen), removed items and
    /// items created before <paramref name="createdSince"/> (the freshness policy; items without a time stay). For a
    /// catalogue too large for memory: exact without an index, approximate with the
    /// <see cref="VectorIndexKind.InnerProduct"/> HNSW index.
    /// </summary>
    public async Task<IReadOnlyList<ScoredItem>> NearestAsync(
        float[] query,
        int k,
        IReadOnlyCollection<string>? excluding = null,
        DateTimeOffset? createdSince = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        excluding ??= [];
        // Filtering after the ORDER BY ... LIMIT keeps the index usable; fetch enough to fill k afterwards.
        var limit = k + excluding.Count;

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (limit > DefaultEfSearch)
        {
            await using var set = new NpgsqlCommand("SELECT set_config('hnsw.ef_search', $1, true)", connection);
            set.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Math.Min(limit, MaxEfSearch).ToString(System.Globalization.CultureInfo.InvariantCulture) });
            await set.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var excluded = excluding as IReadOnlySet<string> ?? excluding.ToHashSet(StringComparer.Ordinal);
        var result = new List<ScoredItem>(k);
        await using (var command = new NpgsqlCommand(NearestSql, connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = new Vector(query) });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = modelVersion });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)createdSince?.UtcDateTime ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (result.Count < k && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = reader.GetString(0);
                if (!excluded.Contains(id))
                {
                    result.Add(new ScoredItem(id, (float)reader.GetDouble(1)));
                }
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// For each query, up to <paramref name="limit"/> items of largest inner product (removed ones and, with
    /// <paramref name="createdSince"/>, older ones left out), in one query for all of them; approximate with the
    /// <see cref="VectorIndexKind.InnerProduct"/> HNSW index. Each list is in no particular order; the scores are exact.
    /// </summary>
    public async Task<IReadOnlyList<ScoredItem>[]> NearestBatchAsync(
        IReadOnlyList<float[]> queries,
        int limit,
        DateTimeOffset? createdSince = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var result = new List<ScoredItem>[queries.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = new List<ScoredItem>(limit);
        }

        if (queries.Count == 0)
        {
            return result;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var set = new NpgsqlCommand("SELECT set_config('hnsw.ef_search', $1, true), set_config('hnsw.iterative_scan', 'relaxed_order', true)", connection))
        {
            set.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Math.Clamp(limit, DefaultEfSearch, MaxEfSearch).ToString(System.Globalization.CultureInfo.InvariantCulture) });
            await set.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var command = new NpgsqlCommand(NearestBatchSql, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. queries.Select(VectorText)] });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = modelVersion });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)createdSince?.UtcDateTime ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                result[reader.GetInt64(0) - 1].Add(new ScoredItem(reader.GetString(1), (float)reader.GetDouble(2)));
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    // pgvector's text form, '[x,y,...]', with round-trip formatting so no precision is lost.
    private static string VectorText(float[] vector) =>
        "[" + string.Join(',', vector.Select(x => x.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]";

    private static async Task WriteTimeAsync(NpgsqlBinaryImporter writer, DateTimeOffset? time, CancellationToken cancellationToken)
    {
        if (time is { } t)
        {
            await writer.WriteAsync(t.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await writer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static List<StoredItem> Deduplicate(IReadOnlyList<StoredItem> items)
    {
        var byId = new Dictionary<string, int>(items.Count, StringComparer.Ordinal);
        var unique = new List<StoredItem>(items.Count);
        var dimension = -1;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i] ?? throw new ArgumentException($"Item {i} is null.", nameof(items));
            if (string.IsNullOrEmpty(item.ItemId) || item.Text is null || item.Embedding is not { Length: > 0 })
            {
                throw new ArgumentException($"Item {i} ('{item.ItemId}') needs an id, a text and a non-empty embedding.", nameof(items));
            }

            if (dimension >= 0 && item.Embedding.Length != dimension)
            {
                throw new ArgumentException($"Item {i} ('{item.ItemId}') has {item.Embedding.Length} dimensions, the others {dimension}.", nameof(items));
            }

            if (!item.Embedding.All(float.IsFinite))
            {
                throw new ArgumentException($"Item {i} ('{item.ItemId}') has a NaN or infinite embedding value.", nameof(items));
            }

            dimension = item.Embedding.Length;
            if (byId.TryGetValue(item.ItemId, out var at))
            {
                unique[at] = item;
            }
            else
            {
                byId[item.ItemId] = unique.Count;
                unique.Add(item);
            }
        }

        return unique;
    }
}
