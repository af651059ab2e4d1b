using Npgsql;

namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>Reads what a processor made durable in its PostgreSQL schema.</summary>
internal static class ProcessorStore
{
    /// <summary>Interactions applied so far: the stored next offsets summed (0 before the tables exist).</summary>
    public static long OffsetSum(NpgsqlDataSource dataSource, string topic)
    {
        try
        {
            using var command = dataSource.CreateCommand("SELECT coalesce(sum(next_offset), 0) FROM input_offsets WHERE topic = $1");
            command.Parameters.AddWithValue(topic);
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0;
        }
    }

    /// <summary>Items stored in the schema (0 before the tables exist).</summary>
    public static long ItemCount(NpgsqlDataSource dataSource)
    {
        try
        {
            using var command = dataSource.CreateCommand("SELECT count(*) FROM items");
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0;
        }
    }

    /// <summary>The stored user states, of every model version or only of <paramref name="modelVersion"/>.</summary>
    public static async Task<Dictionary<string, (float[] State, string[] History, long Interactions)>> StatesAsync(NpgsqlDataSource dataSource, string? modelVersion = null)
    {
        var result = new Dictionary<string, (float[], string[], long)>();
        await using var command = dataSource.CreateCommand("SELECT user_id, state, history, interactions FROM user_states WHERE $1::text IS NULL OR model_version = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)modelVersion ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result[reader.GetString(0)] = (reader.GetFieldValue<float[]>(1), reader.GetFieldValue<string[]>(2), reader.GetInt64(3));
        }

        return result;
    }

    /// <summary>Same users with the same histories, interaction counts and states (within 1e-4).</summary>
    public static void AssertSameStates(
        Dictionary<string, (float[] State, string[] History, long Interactions)> expected,
        Dictionary<string, (float[] State, string[] History, long Interactions)> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (user, row) in expected)
        {
            Assert.Equal(row.History, actual[user].History);
            Assert.Equal(row.Interactions, actual[user].Interactions);
            // A model whose states are rebuilt from the history (TCN) stores none: then both must hold none.
            Assert.Equal(row.State.Length, actual[user].State.Length);
            Assert.True(row.State.Zip(actual[user].State).All(p => Math.Abs(p.First - p.Second) < 1e-4), $"state of {user} differs");
        }
    }
}
