using System.Globalization;
using Npgsql;

namespace ZesRec.Streaming.Storage;

/// <summary>
/// Creates the tables in the first schema of the search path. Idempotent; a store made for another
/// schema version or embedding dimension is refused instead of being silently mixed.
/// </summary>
public static class StoreSchema
{
    public const int Version = 1;

    // {0} is the embedding dimension: DDL takes no parameters, so it is formatted in as a checked integer.
    private const string TablesSql = """
        CREATE TABLE IF NOT EXISTS items (
            item_id    text PRIMARY KEY,
            text       text NOT NULL,
            embedding  vector({0}) NOT NULL,
            created_at timestamptz,
            stored_at  timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE IF NOT EXISTS user_states (
            user_id      text PRIMARY KEY,
            partition    int NOT NULL CHECK (partition >= 0),
            state        real[] NOT NULL,
            history      text[] NOT NULL,
            last_order   bigint NOT NULL,
            interactions bigint NOT NULL CHECK (interactions >= 0),
            last_key     bigint,
            updated_at   timestamptz NOT NULL DEFAULT now()
        );
        -- Stores made before the order key was kept: the column is added, empty (no order check for old users).
        ALTER TABLE user_states ADD COLUMN IF NOT EXISTS last_key bigint;
        CREATE INDEX IF NOT EXISTS user_states_partition_idx ON user_states (partition);
        CREATE TABLE IF NOT EXISTS input_offsets (
            topic       text NOT NULL,
            partition   int NOT NULL,
            next_offset bigint NOT NULL CHECK (next_offset >= 0),
            PRIMARY KEY (topic, partition)
        );
        """;

    private const string VersionTableSql = """
        CREATE TABLE IF NOT EXISTS schema_version (
            only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
            version   int NOT NULL,
            dimension int NOT NULL
        );
        """;

    // Built after bulk loads: HNSW inserts one by one are far slower than one build over the loaded rows.
    private const string CosineIndexSql = "CREATE INDEX IF NOT EXISTS items_embedding_cosine_idx ON items USING hnsw (embedding vector_cosine_ops)";
    private const string InnerProductIndexSql = "CREATE INDEX IF NOT EXISTS items_embedding_ip_idx ON items USING hnsw (embedding vector_ip_ops)";

    public static async Task EnsureAsync(NpgsqlDataSource dataSource, int dimension, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
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

        var stored = await ReadVersionAsync(connection, cancellationToken).ConfigureAwait(false);
        if (stored is { } found && (found.Version != Version || found.Dimension != dimension))
        {
            var schema = await ScalarAsync<string>(connection, "SELECT current_schema()", cancellationToken).ConfigureAwait(false);
            throw new InvalidOperationException(
                $"The store in schema '{schema}' has schema version {found.Version} and embedding dimension {found.Dimension}; "
                + $"this build needs version {Version} with dimension {dimension}.");
        }

        await ExecuteAsync(connection, string.Format(CultureInfo.InvariantCulture, TablesSql, dimension), cancellationToken).ConfigureAwait(false);
        await using (var write = new NpgsqlCommand(
            "INSERT INTO schema_version (version, dimension) VALUES ($1, $2) ON CONFLICT (only_row) DO NOTHING",
            connection))
        {
            write.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Version });
            write.Parameters.Add(new NpgsqlParameter<int> { TypedValue = dimension });
            await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
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
        await ExecuteAsync(connection, sql, cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<(int Version, int Dimension)?> ReadVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT version, dimension FROM schema_version", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetInt32(0), reader.GetInt32(1)) : null;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
