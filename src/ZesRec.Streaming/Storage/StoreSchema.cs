using System.Globalization;
using Npgsql;

namespace ZesRec.Streaming.Storage;

/// <summary>
/// Creates the tables in the first schema of the search path, migrates a store of an earlier schema version, and
/// ties the store to the model that serves it. Idempotent; a store made for another schema version, embedding
/// dimension or model version is refused instead of being silently mixed.
/// </summary>
public static class StoreSchema
{
    /// <summary>2: rows keyed by model version, the serving model recorded, offsets and order keys named for what they hold.</summary>
    public const int Version = 2;

    // {0} is the embedding dimension: DDL takes no parameters, so it is formatted in as a checked integer.
    private const string TablesSql = """
        CREATE TABLE IF NOT EXISTS items (
            model_version text NOT NULL,
            item_id       text NOT NULL,
            text          text NOT NULL,
            embedding     vector({0}) NOT NULL,
            created_at    timestamptz,
            stored_at     timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (model_version, item_id)
        );
        CREATE TABLE IF NOT EXISTS user_states (
            model_version  text NOT NULL,
            user_id        text NOT NULL,
            partition      int NOT NULL CHECK (partition >= 0),
            state          real[] NOT NULL,
            history        text[] NOT NULL,
            history_keys   bigint[],
            last_offset    bigint NOT NULL,
            interactions   bigint NOT NULL CHECK (interactions >= 0),
            last_order_key bigint,
            updated_at     timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (model_version, user_id)
        );
        CREATE INDEX IF NOT EXISTS user_states_version_partition_idx ON user_states (model_version, partition);
        ALTER TABLE schema_version ADD COLUMN IF NOT EXISTS next_model text;
        CREATE TABLE IF NOT EXISTS input_offsets (
            topic       text NOT NULL,
            partition   int NOT NULL,
            next_offset bigint NOT NULL CHECK (next_offset >= 0),
            PRIMARY KEY (topic, partition)
        );
        """;

    // Added to version 2 without a new version: a nullable column, a new table and a storage parameter, which older
    // builds ignore. removed_at: item-removed events; partition_owner: the epoch each interaction partition's owner
    // flushes under; toast_tuple_target: a state row up to a page long (a GRU4Rec or HRNN state vector and its
    // history, 3-6 kB) stays in the row uncompressed, instead of PostgreSQL trying to compress its floats past the
    // default 2 kB on every flush (a fifth of PostgreSQL's CPU in the streaming benchmark).
    // Each is looked up first: ALTER TABLE locks the table even when it has nothing to do.
    private const string ColumnsSinceV2Sql = """
        DO $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                           WHERE table_schema = current_schema() AND table_name = 'items' AND column_name = 'removed_at') THEN
                ALTER TABLE items ADD COLUMN removed_at timestamptz;
            END IF;
            IF NOT EXISTS (SELECT 1 FROM pg_class
                           WHERE oid = to_regclass(quote_ident(current_schema()) || '.user_states')
                             AND 'toast_tuple_target=8160' = ANY (coalesce(reloptions, '{}'))) THEN
                ALTER TABLE user_states SET (toast_tuple_target = 8160);
            END IF;
        END $$;
        CREATE TABLE IF NOT EXISTS partition_owner (
            topic     text NOT NULL,
            partition int NOT NULL CHECK (partition >= 0),
            epoch     bigint NOT NULL,
            owner     text NOT NULL,
            PRIMARY KEY (topic, partition)
        );
        """;

    private const string VersionTableSql = """
        CREATE TABLE IF NOT EXISTS schema_version (
            only_row      boolean PRIMARY KEY DEFAULT true CHECK (only_row),
            version       int NOT NULL,
            dimension     int NOT NULL,
            serving_model text,
            next_model    text
        );
        """;

    // Version 1 keyed rows by item or user id alone and called the Kafka offset last_order, the order key last_key.
    // Its rows get a model_version column here; the first model that serves the store fills it (AdoptSql).
    private const string MigrateFromV1Sql = """
        ALTER TABLE schema_version ADD COLUMN IF NOT EXISTS serving_model text;
        ALTER TABLE schema_version ADD COLUMN IF NOT EXISTS next_model text;
        ALTER TABLE items ADD COLUMN model_version text;
        ALTER TABLE user_states ADD COLUMN IF NOT EXISTS last_key bigint;
        ALTER TABLE user_states ADD COLUMN model_version text;
        ALTER TABLE user_states ADD COLUMN history_keys bigint[];
        ALTER TABLE user_states RENAME COLUMN last_order TO last_offset;
        ALTER TABLE user_states RENAME COLUMN last_key TO last_order_key;
        DROP INDEX IF EXISTS user_states_partition_idx;
        """;

    private const string AdoptSql = """
        UPDATE items SET model_version = $1 WHERE model_version IS NULL;
        UPDATE user_states SET model_version = $1 WHERE model_version IS NULL;
        """;

    private const string KeyByVersionSql = """
        ALTER TABLE items ALTER COLUMN model_version SET NOT NULL;
        ALTER TABLE items DROP CONSTRAINT items_pkey, ADD PRIMARY KEY (model_version, item_id);
        ALTER TABLE user_states ALTER COLUMN model_version SET NOT NULL;
        ALTER TABLE user_states DROP CONSTRAINT user_states_pkey, ADD PRIMARY KEY (model_version, user_id);
        CREATE INDEX IF NOT EXISTS user_states_version_partition_idx ON user_states (model_version, partition);
        UPDATE schema_version SET version = 2;
        """;

    // Built after bulk loads: HNSW inserts one by one are far slower than one build over the loaded rows.
    private const string CosineIndexSql = "CREATE INDEX IF NOT EXISTS items_embedding_cosine_idx ON items USING hnsw (embedding vector_cosine_ops)";
    private const string InnerProductIndexSql = "CREATE INDEX IF NOT EXISTS items_embedding_ip_idx ON items USING hnsw (embedding vector_ip_ops)";

    /// <summary>
    /// Makes the store ready for the model <paramref name="modelVersion"/>: creates or migrates the tables, and
    /// records the model as the serving one when the store has none yet (a new store, or one from before versions,
    /// whose rows the model adopts). Throws <see cref="ModelVersionMismatchException"/> when another model serves it.
    /// </summary>
    public static async Task<StoreOpening> EnsureAsync(NpgsqlDataSource dataSource, int dimension, string modelVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelVersion);
        // pgvector's limit for an indexable vector column.
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimension, 2000);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Processes starting together must not race on CREATE TABLE IF NOT EXISTS (it can fail on a unique violation).
        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtext(current_schema()))", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, VersionTableSql, cancellationToken).ConfigureAwait(false);

        if (!await ScalarAsync<bool>(connection, "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector')", cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException(
                $"The pgvector extension is not installed in database '{connection.Database}'; a superuser must run CREATE EXTENSION vector (see infra/postgres/roles.sql).");
        }

        var schema = await ScalarAsync<string>(connection, "SELECT current_schema()", cancellationToken).ConfigureAwait(false);
        var stored = await ReadVersionAsync(connection, cancellationToken).ConfigureAwait(false);
        if (stored is { } found && ((found.Version != Version && found.Version != 1) || found.Dimension != dimension))
        {
            if (found.Serving is { } other && other != modelVersion)
            {
                throw ModelVersionMismatchException.For(schema, other, found.Dimension, modelVersion, dimension);
            }

            throw new InvalidOperationException(
                $"The store in schema '{schema}' has schema version {found.Version} and embedding dimension {found.Dimension}; "
                + $"this build needs version {Version} with dimension {dimension}.");
        }

        if (stored is { Version: 1 })
        {
            await ExecuteAsync(connection, MigrateFromV1Sql, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await ExecuteAsync(connection, string.Format(CultureInfo.InvariantCulture, TablesSql, dimension), cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, ColumnsSinceV2Sql, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            await using var write = new NpgsqlCommand("INSERT INTO schema_version (version, dimension) VALUES ($1, $2)", connection);
            write.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Version });
            write.Parameters.Add(new NpgsqlParameter<int> { TypedValue = dimension });
            await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var opening = await ClaimAsync(connection, schema, stored, modelVersion, dimension, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return opening;
    }

    /// <summary>The model version that serves the store, or null when the store is new (or has no schema yet).</summary>
    public static async Task<string?> ServingVersionAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var command = dataSource.CreateCommand(
            "SELECT serving_model FROM schema_version WHERE EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'schema_version' AND column_name = 'serving_model')");
        try
        {
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable || e.SqlState == PostgresErrorCodes.UndefinedColumn)
        {
            return null;
        }
    }

    /// <summary>Builds the HNSW index of the chosen kind on items.embedding (a no-op when it exists).</summary>
    public static async Task CreateVectorIndexAsync(NpgsqlDataSource dataSource, VectorIndexKind kind, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var sql = kind switch
        {
            VectorIndexKind.Cosine => CosineIndexSql,
            VectorIndexKind.InnerProduct => InnerProductIndexSql,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown vector index kind."),
        };
        // A build over a large catalogue takes minutes, far beyond the default command timeout.
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Records <paramref name="modelVersion"/> as the serving model of a store that has none (its unversioned rows
    /// become the model's), or checks that it is the one recorded.
    /// </summary>
    private static async Task<StoreOpening> ClaimAsync(
        NpgsqlConnection connection, string schema, (int Version, int Dimension, string? Serving)? stored, string modelVersion, int dimension, CancellationToken cancellationToken)
    {
        if (stored?.Serving is { } serving)
        {
            if (serving == modelVersion)
            {
                return new StoreOpening(serving, stored.Value.Version, 0, 0);
            }

            // Both columns from one statement: an upgrade's switch commits between two reads (serving_model = new,
            // next_model = NULL in one update), and reading them apart would see the old serving model with no model
            // prepared, and stop the very processor that is to take over.
            await using var current = new NpgsqlCommand("SELECT serving_model, next_model FROM schema_version", connection);
            await using (var reader = await current.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    serving = reader.IsDBNull(0) ? serving : reader.GetString(0);
                    var next = reader.IsDBNull(1) ? null : reader.GetString(1);
                    if (serving == modelVersion)
                    {
                        return new StoreOpening(serving, stored.Value.Version, 0, 0);
                    }

                    if (next == modelVersion)
                    {
                        // Prepared by zesrec upgrade: not an error but a processor waiting to take over once the switch is made.
                        throw new ModelVersionPendingException(
                            $"model {modelVersion} is prepared in schema '{schema}' but model {serving} still serves it; waiting for 'zesrec upgrade' to switch");
                    }
                }
            }

            throw ModelVersionMismatchException.For(schema, serving, stored.Value.Dimension, modelVersion, dimension);
        }

        long items = 0;
        long users = 0;
        if (stored is { Version: 1 })
        {
            await using var adopt = new NpgsqlBatch(connection);
            foreach (var sql in AdoptSql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var command = new NpgsqlBatchCommand(sql);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = modelVersion });
                adopt.BatchCommands.Add(command);
            }

            await adopt.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            items = adopt.BatchCommands[0].RecordsAffected;
            users = adopt.BatchCommands[1].RecordsAffected;
            await ExecuteAsync(connection, KeyByVersionSql, cancellationToken).ConfigureAwait(false);
        }

        await using var write = new NpgsqlCommand("UPDATE schema_version SET serving_model = $1", connection);
        write.Parameters.Add(new NpgsqlParameter<string> { TypedValue = modelVersion });
        await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return new StoreOpening(modelVersion, stored?.Version, items, users);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<(int Version, int Dimension, string? Serving)?> ReadVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // A version 1 store has no serving_model column yet.
        var hasServing = await ScalarAsync<bool>(
            connection,
            "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'schema_version' AND column_name = 'serving_model')",
            cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT version, dimension, {(hasServing ? "serving_model" : "NULL::text")} FROM schema_version", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? (reader.GetInt32(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2))
            : null;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
