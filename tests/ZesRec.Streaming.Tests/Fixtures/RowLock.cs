using Npgsql;

namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>
/// A user_states row held FOR UPDATE in an open transaction, as a slow writer would hold it: whoever writes that row
/// waits until this is disposed (rolled back). Lets a test stop another process at a chosen write.
/// </summary>
internal sealed class RowLock : IAsyncDisposable
{
    private readonly NpgsqlConnection connection;
    private readonly NpgsqlTransaction transaction;
    private readonly string version;
    private readonly string user;
    private bool disposed;

    private RowLock(NpgsqlConnection connection, NpgsqlTransaction transaction, string version, string user)
    {
        this.connection = connection;
        this.transaction = transaction;
        this.version = version;
        this.user = user;
    }

    public static async Task<RowLock> TakeAsync(NpgsqlDataSource dataSource, string version, string user, bool lockNow = true)
    {
        var connection = await dataSource.OpenConnectionAsync();
        var rowLock = new RowLock(connection, await connection.BeginTransactionAsync(), version, user);
        if (lockNow)
        {
            await rowLock.LockAsync();
        }

        return rowLock;
    }

    public async Task LockAsync()
    {
        await using var command = new NpgsqlCommand("SELECT 1 FROM user_states WHERE model_version = $1 AND user_id = $2 FOR UPDATE", connection, transaction);
        command.Parameters.AddWithValue(version);
        command.Parameters.AddWithValue(user);
        Assert.Equal(1, await command.ExecuteScalarAsync());
    }

    /// <summary>Whether another backend waits for this lock.</summary>
    public bool BlocksAnother(NpgsqlDataSource admin)
    {
        using var command = admin.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))");
        command.Parameters.AddWithValue(connection.ProcessID);
        return (long)command.ExecuteScalar()! > 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        await transaction.RollbackAsync();
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}
