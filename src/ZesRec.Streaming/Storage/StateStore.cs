using System.Data;
using Npgsql;
using NpgsqlTypes;

namespace ZesRec.Streaming.Storage;

/// <summary>
/// User states of one model version and the input offsets, written together: the states reflect exactly the
/// records before the stored offsets, so a member that takes a partition over neither repeats nor loses one.
/// </summary>
public sealed class StateStore
{
    /// <summary>Below this many states a flush sends one batched INSERT per row; from it on, a binary COPY.</summary>
    public const int DefaultCopyThreshold = 64;

    private const string UpsertOffsetsSql = """
        INSERT INTO input_offsets (topic, partition, next_offset)
        SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[])
        ON CONFLICT (topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset
        """;

    private const string UpsertStateSql = """
        INSERT INTO user_states (model_version, user_id, partition, state, history, history_keys, last_offset, interactions, last_order_key, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())
        ON CONFLICT (model_version, user_id) DO UPDATE
        SET partition = EXCLUDED.partition, state = EXCLUDED.state, history = EXCLUDED.history, history_keys = EXCLUDED.history_keys,
            last_offset = EXCLUDED.last_offset, interactions = EXCLUDED.interactions, last_order_key = EXCLUDED.last_order_key,
            updated_at = EXCLUDED.updated_at
        """;

    private const string CreateStagingSql = """
        CREATE TEMP TABLE user_states_staging (
            user_id        text NOT NULL,
            partition      int NOT NULL,
            state          real[] NOT NULL,
            history        text[] NOT NULL,
            history_keys   bigint[],
            last_offset    bigint NOT NULL,
            interactions   bigint NOT NULL,
            last_order_key bigint
        ) WITH (toast_tuple_target = 8160) ON COMMIT DROP
        """;

    private const string CopyStatesSql =
        "COPY user_states_staging (user_id, partition, state, history, history_keys, last_offset, interactions, last_order_key) FROM STDIN (FORMAT BINARY)";

    private const string MergeStatesSql = """
        INSERT INTO user_states (model_version, user_id, partition, state, history, history_keys, last_offset, interactions, last_order_key, updated_at)
        SELECT $1, user_id, partition, state, history, history_keys, last_offset, interactions, last_order_key, now() FROM user_states_staging
        ON CONFLICT (model_version, user_id) DO UPDATE
        SET partition = EXCLUDED.partition, state = EXCLUDED.state, history = EXCLUDED.history, history_keys = EXCLUDED.history_keys,
            last_offset = EXCLUDED.last_offset, interactions = EXCLUDED.interactions, last_order_key = EXCLUDED.last_order_key,
            updated_at = EXCLUDED.updated_at
        """;

    private const string LoadStatesSql = """
        SELECT user_id, partition, state, history, last_offset, interactions, last_order_key, history_keys
        FROM user_states
        WHERE model_version = $2 AND partition = ANY($1)
        ORDER BY user_id
        """;

    // A member's claim on partitions it was assigned: each claim moves the epoch on, which fences every earlier owner.
    private const string ClaimSql = """
        INSERT INTO partition_owner (topic, partition, epoch, owner)
        SELECT $1, p, 1, $3 FROM unnest($2::int[]) AS p ORDER BY p
        ON CONFLICT (topic, partition) DO UPDATE SET epoch = partition_owner.epoch + 1, owner = EXCLUDED.owner
        RETURNING partition, epoch
        """;

    // FOR SHARE: flushes of other partitions run side by side, and a claim (an UPDATE) waits for a flush in progress.
    private const string EpochsSql = "SELECT partition, epoch FROM partition_owner WHERE topic = $1 AND partition = ANY($2) ORDER BY partition FOR SHARE";

    private const string LoadUsersSql = """
        SELECT user_id, partition, state, history, last_offset, interactions, last_order_key, history_keys
        FROM user_states
        WHERE model_version = $2 AND user_id = ANY($1)
        """;

    private const string LoadOffsetsSql = "SELECT partition, next_offset FROM input_offsets WHERE topic = $1 AND partition = ANY($2)";

    private readonly NpgsqlDataSource _dataSource;
    private readonly int _copyThreshold;
    private readonly string _modelVersion;
    private readonly bool _servingOnly;

    /// <param name="servingOnly">
    /// Refuse to flush once another model serves the store (an upgrade switched it): the serving processor's stores
    /// set it, so its last batch is not written beside the new model's states but read again by the new processor.
    /// </param>
    public StateStore(NpgsqlDataSource dataSource, string modelVersion, int copyThreshold = DefaultCopyThreshold, bool servingOnly = false)
    {
        _servingOnly = servingOnly;
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelVersion);
        ArgumentOutOfRangeException.ThrowIfLessThan(copyThreshold, 1);
        _dataSource = dataSource;
        _modelVersion = modelVersion;
        _copyThreshold = copyThreshold;
    }

    public string ModelVersion => _modelVersion;

    /// <summary>
    /// Writes the states (the last one wins when a user repeats) and the next offsets in one
    /// transaction: after a failure nothing of the flush is visible.
    /// </summary>
    /// <param name="fence">
    /// The epochs this member claimed for the partitions it writes (<see cref="ClaimAsync"/>): the flush writes only
    /// while each is still the partition's current one, and otherwise throws <see cref="PartitionFencedException"/>.
    /// </param>
    public async Task FlushAsync(
        IReadOnlyList<UserStateRow> states,
        IReadOnlyList<(string Topic, int Partition, long NextOffset)> offsets,
        CancellationToken cancellationToken = default,
        PartitionFence? fence = null)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(offsets);
        var unique = Deduplicate(states);
        if (unique.Count == 0 && offsets.Count == 0)
        {
            return;
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (_servingOnly)
        {
            await CheckServingAsync(connection, cancellationToken).ConfigureAwait(false);
        }

        if (fence is { Epochs.Count: > 0 })
        {
            await CheckFenceAsync(connection, fence, cancellationToken).ConfigureAwait(false);
        }

        if (offsets.Count > 0)
        {
            await UpsertOffsetsAsync(connection, offsets, cancellationToken).ConfigureAwait(false);
        }

        if (unique.Count >= _copyThreshold)
        {
            await CopyStatesAsync(connection, unique, cancellationToken).ConfigureAwait(false);
        }
        else if (unique.Count > 0)
        {
            await BatchStatesAsync(connection, unique, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The stored states of those of <paramref name="userIds"/> that have one, in one query: a returning user's state
    /// after an eviction, and the partition of a user another process keeps.
    /// </summary>
    public async Task<IReadOnlyList<UserStateRow>> LoadUsersAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        var rows = new List<UserStateRow>();
        if (userIds.Count == 0)
        {
            return rows;
        }

        await using var command = _dataSource.CreateCommand(LoadUsersSql);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. userIds] });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _modelVersion });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(ReadRow(reader));
        }

        return rows;
    }

    /// <summary>
    /// The states of the users of <paramref name="partitions"/> and the partitions' next offsets in
    /// <paramref name="topic"/>, read from one snapshot.
    /// </summary>
    public async Task<StoredStates> LoadAsync(string topic, IReadOnlyCollection<int> partitions, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(partitions);
        var wanted = partitions.Distinct().ToArray();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);

        var states = new List<UserStateRow>();
        await using (var command = new NpgsqlCommand(LoadStatesSql, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = wanted });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _modelVersion });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                states.Add(ReadRow(reader));
            }
        }

        var nextOffsets = wanted.ToDictionary(p => p, _ => (long?)null);
        await using (var command = new NpgsqlCommand(LoadOffsetsSql, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = topic });
            command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = wanted });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                nextOffsets[reader.GetInt32(0)] = reader.GetInt64(1);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new StoredStates(states, nextOffsets);
    }

    /// <summary>Only the next offsets of <paramref name="partitions"/> in <paramref name="topic"/> (null: none stored).</summary>
    public async Task<IReadOnlyDictionary<int, long?>> LoadOffsetsAsync(string topic, IReadOnlyCollection<int> partitions, CancellationToken cancellationToken = default)
    {
        var wanted = partitions.Distinct().ToArray();
        var nextOffsets = wanted.ToDictionary(p => p, _ => (long?)null);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(LoadOffsetsSql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = topic });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = wanted });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            nextOffsets[reader.GetInt32(0)] = reader.GetInt64(1);
        }

        return nextOffsets;
    }

    /// <summary>
    /// Claims <paramref name="partitions"/> of <paramref name="topic"/> for <paramref name="owner"/> on assignment: each
    /// partition's epoch moves on (1 for a first claim), after any flush in progress under the old epoch. Returns the
    /// new epochs, which this member's flushes of those partitions then carry (<see cref="PartitionFence"/>).
    /// </summary>
    public async Task<IReadOnlyDictionary<int, long>> ClaimAsync(string topic, IReadOnlyCollection<int> partitions, string owner, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(partitions);
        var epochs = new Dictionary<int, long>();
        if (partitions.Count == 0)
        {
            return epochs;
        }

        await using var command = _dataSource.CreateCommand(ClaimSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = topic });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. partitions.Distinct()] });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = owner });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            epochs[reader.GetInt32(0)] = reader.GetInt64(1);
        }

        return epochs;
    }

    private static async Task CheckFenceAsync(NpgsqlConnection connection, PartitionFence fence, CancellationToken cancellationToken)
    {
        var current = new Dictionary<int, long>();
        await using (var command = new NpgsqlCommand(EpochsSql, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = fence.Topic });
            command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. fence.Epochs.Keys] });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                current[reader.GetInt32(0)] = reader.GetInt64(1);
            }
        }

        var lost = fence.Epochs.Where(e => current.GetValueOrDefault(e.Key, -1) != e.Value).Select(e => e.Key).Order().ToList();
        if (lost.Count > 0)
        {
            throw new PartitionFencedException(fence.Topic, lost);
        }
    }

    /// <summary>
    /// Fails unless this store's model serves the store. FOR SHARE: flushes run side by side, and an upgrade's switch
    /// (FOR UPDATE) waits for those in progress; a flush that waited on the switch then sees the new serving model.
    /// </summary>
    private async Task CheckServingAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT serving_model FROM schema_version FOR SHARE", connection);
        var serving = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        if (serving != _modelVersion)
        {
            throw new ModelVersionMismatchException(
                $"model {serving} now serves the store, not this processor's model {_modelVersion}: it stops here, and a processor of {serving} resumes from the stored offsets.",
                serving ?? "",
                _modelVersion);
        }
    }

    /// <summary>Reads a row of the columns of <c>LoadStatesSql</c>, in its order.</summary>
    internal static UserStateRow ReadRow(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetInt32(1),
        reader.GetFieldValue<float[]>(2),
        reader.GetFieldValue<string[]>(3),
        reader.GetInt64(4),
        reader.GetInt64(5),
        reader.IsDBNull(6) ? null : reader.GetInt64(6),
        reader.IsDBNull(7) ? null : reader.GetFieldValue<long[]>(7));

    private static async Task UpsertOffsetsAsync(
        NpgsqlConnection connection,
        IReadOnlyList<(string Topic, int Partition, long NextOffset)> offsets,
        CancellationToken cancellationToken)
    {
        // One row per partition: a repeated partition keeps its last offset (ON CONFLICT may not touch a row twice).
        var last = new Dictionary<(string, int), long>();
        foreach (var (topic, partition, next) in offsets)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(topic, nameof(offsets));
            last[(topic, partition)] = next;
        }

        await using var command = new NpgsqlCommand(UpsertOffsetsSql, connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. last.Keys.Select(k => k.Item1)] });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. last.Keys.Select(k => k.Item2)] });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. last.Values] });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task BatchStatesAsync(NpgsqlConnection connection, List<UserStateRow> states, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        foreach (var state in states)
        {
            var command = new NpgsqlBatchCommand(UpsertStateSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _modelVersion });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = state.UserId });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = state.Partition });
            command.Parameters.Add(new NpgsqlParameter<float[]> { TypedValue = state.State });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = state.History });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)state.HistoryKeys ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = state.LastOffset });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = state.Interactions });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)state.LastOrderKey ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task CopyStatesAsync(NpgsqlConnection connection, List<UserStateRow> states, CancellationToken cancellationToken)
    {
        await using (var create = new NpgsqlCommand(CreateStagingSql, connection))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var writer = await connection.BeginBinaryImportAsync(CopyStatesSql, cancellationToken).ConfigureAwait(false))
        {
            foreach (var state in states)
            {
                await writer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(state.UserId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(state.Partition, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(state.State, NpgsqlDbType.Array | NpgsqlDbType.Real, cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(state.History, NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                if (state.HistoryKeys is { } keys)
                {
                    await writer.WriteAsync(keys, NpgsqlDbType.Array | NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await writer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                await writer.WriteAsync(state.LastOffset, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(state.Interactions, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                if (state.LastOrderKey is { } key)
                {
                    await writer.WriteAsync(key, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await writer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var merge = new NpgsqlCommand(MergeStatesSql, connection);
        merge.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _modelVersion });
        await merge.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static List<UserStateRow> Deduplicate(IReadOnlyList<UserStateRow> states)
    {
        var byUser = new Dictionary<string, int>(states.Count, StringComparer.Ordinal);
        var unique = new List<UserStateRow>(states.Count);
        for (var i = 0; i < states.Count; i++)
        {
            var state = states[i] ?? throw new ArgumentException($"State {i} is null.", nameof(states));
            if (string.IsNullOrEmpty(state.UserId) || state.State is null || state.History is null)
            {
                throw new ArgumentException($"State {i} ('{state.UserId}') needs a user id, a state vector and a history.", nameof(states));
            }

            if (byUser.TryGetValue(state.UserId, out var at))
            {
                unique[at] = state;
            }
            else
            {
                byUser[state.UserId] = unique.Count;
                unique.Add(state);
            }
        }

        return unique;
    }
}

/// <summary>The epochs a member claimed for the partitions of <paramref name="Topic"/> that a flush writes.</summary>
public sealed record PartitionFence(string Topic, IReadOnlyDictionary<int, long> Epochs);
