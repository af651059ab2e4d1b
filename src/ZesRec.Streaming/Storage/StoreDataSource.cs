using Npgsql;
using Pgvector.Npgsql;

namespace ZesRec.Streaming.Storage;

public static class StoreDataSource
{
    /// <summary>
    /// The process's one data source, with the pgvector type mapping. A <paramref name="searchPath"/>
    /// puts the tables in a schema of their own (public must stay on it: the vector type lives there).
    /// </summary>
    public static NpgsqlDataSource Create(string connectionString, string? searchPath = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (searchPath is not null)
        {
            builder.ConnectionStringBuilder.SearchPath = searchPath;
        }

        builder.UseVector();
        return builder.Build();
    }
}
