using Npgsql;
using Pgvector;

namespace ZesRec.Infra.Tests;

[Collection(PostgresCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class PostgresVectorTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Vector_extension_should_be_available_when_the_service_role_asks_for_it()
    {
        // Given
        await using var conn = await postgres.DataSource.OpenConnectionAsync();

        // When
        await using (var create = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS vector", conn))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using var query = new NpgsqlCommand("SELECT extversion FROM pg_extension WHERE extname = 'vector'", conn);
        var version = (string?)await query.ExecuteScalarAsync();

        // Then
        Assert.NotNull(version);
        Assert.StartsWith("0.8.", version, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Vector_should_read_back_equal_when_written_through_npgsql()
    {
        // Given
        await using var schema = await postgres.CreateScratchSchemaAsync("roundtrip");
        await using var conn = await postgres.DataSource.OpenConnectionAsync();
        await Exec(conn, $"CREATE TABLE {schema.Name}.items (id int PRIMARY KEY, embedding vector(3) NOT NULL)");
        float[] written = [0.25f, -1.5f, 3.0e-7f];

        // When
        await using (var insert = new NpgsqlCommand($"INSERT INTO {schema.Name}.items (id, embedding) VALUES (1, $1)", conn))
        {
            insert.Parameters.AddWithValue(new Vector(written));
            await insert.ExecuteNonQueryAsync();
        }

        await using var select = new NpgsqlCommand($"SELECT embedding FROM {schema.Name}.items WHERE id = 1", conn);
        var read = (Vector?)await select.ExecuteScalarAsync();

        // Then
        Assert.NotNull(read);
        Assert.Equal(written, read.ToArray());
    }

    [Fact]
    public async Task Hnsw_cosine_index_should_return_the_nearest_row_when_queried_with_order_by_distance()
    {
        // Given
        const int rows = 200;
        const int dims = 8;
        var random = new Random(20240611);
        var vectors = Enumerable.Range(0, rows).Select(_ => RandomVector(random, dims)).ToArray();
        var queries = Enumerable.Range(0, 5).Select(_ => RandomVector(random, dims)).ToArray();

        await using var schema = await postgres.CreateScratchSchemaAsync("hnsw");
        await using var conn = await postgres.DataSource.OpenConnectionAsync();
        await Exec(conn, $"CREATE TABLE {schema.Name}.items (id int PRIMARY KEY, embedding vector({dims}) NOT NULL)");
        await using (var insert = new NpgsqlCommand($"INSERT INTO {schema.Name}.items (id, embedding) VALUES ($1, $2)", conn))
        {
            insert.Parameters.Add(new NpgsqlParameter<int>());
            insert.Parameters.Add(new NpgsqlParameter<Vector>());
            for (var id = 0; id < rows; id++)
            {
                insert.Parameters[0].Value = id;
                insert.Parameters[1].Value = new Vector(vectors[id]);
                await insert.ExecuteNonQueryAsync();
            }
        }

        await Exec(conn, $"CREATE INDEX items_embedding_hnsw ON {schema.Name}.items USING hnsw (embedding vector_cosine_ops)");
        await Exec(conn, $"ANALYZE {schema.Name}.items");

        // A 200-row table would otherwise be scanned, and the index never tested.
        await using var tx = await conn.BeginTransactionAsync();
        await Exec(conn, "SET LOCAL enable_seqscan = off");
        var nearestSql = $"SELECT id FROM {schema.Name}.items ORDER BY embedding <=> $1 LIMIT 1";

        // When
        var plan = await ExplainAsync(conn, nearestSql, queries[0]);
        var found = new List<int>();
        foreach (var query in queries)
        {
            await using var cmd = new NpgsqlCommand(nearestSql, conn);
            cmd.Parameters.AddWithValue(new Vector(query));
            found.Add((int)(await cmd.ExecuteScalarAsync())!);
        }

        // Then
        Assert.Contains("items_embedding_hnsw", plan, StringComparison.Ordinal);
        var expected = queries.Select(q => BruteForceNearest(vectors, q)).ToList();
        Assert.Equal(expected, found);
    }

    private static float[] RandomVector(Random random, int dims) =>
        Enumerable.Range(0, dims).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

    private static int BruteForceNearest(float[][] vectors, float[] query)
    {
        var best = -1;
        var bestDistance = double.MaxValue;
        for (var id = 0; id < vectors.Length; id++)
        {
            var distance = CosineDistance(vectors[id], query);
            if (distance < bestDistance)
            {
                (best, bestDistance) = (id, distance);
            }
        }

        return best;
    }

    private static double CosineDistance(float[] a, float[] b)
    {
        double dot = 0, normA = 0, normB = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            normA += (double)a[i] * a[i];
            normB += (double)b[i] * b[i];
        }

        return 1 - (dot / Math.Sqrt(normA * normB));
    }

    private static async Task<string> ExplainAsync(NpgsqlConnection conn, string sql, float[] parameter)
    {
        await using var cmd = new NpgsqlCommand($"EXPLAIN {sql}", conn);
        cmd.Parameters.AddWithValue(new Vector(parameter));
        await using var reader = await cmd.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join('\n', lines);
    }

    private static async Task Exec(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
