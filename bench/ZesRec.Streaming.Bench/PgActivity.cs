using System.Globalization;
using Npgsql;

namespace ZesRec.Streaming.Bench;

/// <summary>Background work PostgreSQL did over a phase: checkpoints, and autovacuum/autoanalyze of the bench schema's tables.</summary>
public static class PgActivity
{
    public static async Task<Dictionary<string, long>> SnapshotAsync(NpgsqlDataSource admin, string schema)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var checkpoints = admin.CreateCommand("SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter"))
        {
            counts["checkpoints"] = Convert.ToInt64(await checkpoints.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }

        await using var tables = admin.CreateCommand(
            "SELECT relname, autovacuum_count, autoanalyze_count, n_dead_tup FROM pg_stat_user_tables WHERE schemaname = $1");
        tables.Parameters.AddWithValue(schema);
        await using var reader = await tables.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var table = reader.GetString(0);
            counts[$"{table} autovacuums"] = reader.GetInt64(1);
            counts[$"{table} autoanalyzes"] = reader.GetInt64(2);
            counts[$"{table} dead rows"] = reader.GetInt64(3);
        }

        return counts;
    }

    /// <summary>WAL bytes the server has written so far: what a phase's writes cost the database, per batch.</summary>
    public static async Task<long> WalBytesAsync(NpgsqlDataSource admin)
    {
        await using var command = admin.CreateCommand("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn");
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    public static string Describe(Dictionary<string, long> before, Dictionary<string, long> after) =>
        string.Join(", ", after.Select(kv => kv.Key.EndsWith("dead rows", StringComparison.Ordinal)
            ? string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:N0} at the end")
            : string.Create(CultureInfo.InvariantCulture, $"{kv.Key} +{kv.Value - before.GetValueOrDefault(kv.Key)}")));
}
