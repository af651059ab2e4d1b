using System.Diagnostics;
using Confluent.Kafka;
using Npgsql;
using ZesRec.Configuration;
using ZesRec.Streaming.Kafka;

namespace ZesRec.Cli.Commands;

/// <summary>Starts the local services through infra/dev/stack.sh and checks each answers for real.</summary>
internal static class LocalStack
{
    /// <summary>
    /// Runs <c>stack.sh up</c> and returns the settings it printed (<c>ZESREC_Kafka__BootstrapServers=...</c> lines, as
    /// <c>stack.sh env</c> exports them), by configuration key, for <see cref="ZesRecConfiguration.Build"/>.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string?>> UpAsync(CancellationToken cancellationToken)
    {
        var script = Path.Combine(Directory.GetCurrentDirectory(), "infra", "dev", "stack.sh");
        if (!File.Exists(script))
        {
            throw new UsageException($"{script} not found: run zesrec from the repository root");
        }

        var start = new ProcessStartInfo("bash", [script, "up"]) { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"infra/dev/stack.sh up failed with exit code {process.ExitCode}");
        }

        var settings = ZesRecConfiguration.FromEnvironmentLines(output);
        foreach (var key in new[] { LocalServices.PostgresConnectionStringKey, LocalServices.KafkaBootstrapServersKey })
        {
            if (!settings.ContainsKey(key))
            {
                throw new InvalidOperationException($"stack.sh up printed no {ZesRecConfiguration.EnvironmentName(key)}= line");
            }
        }

        return settings;
    }

    public static async Task<string> CheckPostgresAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT extversion FROM pg_extension WHERE extname = 'vector'", connection);
        var version = await command.ExecuteScalarAsync(cancellationToken) as string
            ?? throw new InvalidOperationException("the vector extension is not installed in the database");
        return $"PostgreSQL {connection.PostgreSqlVersion} with pgvector {version}";
    }

    /// <summary>
    /// The development broker has no CreateTopics API; it creates a topic (4 partitions) on the first metadata
    /// request naming it. A real cluster with auto-creation off needs the topics made beforehand.
    /// </summary>
    public static void EnsureTopics(string bootstrap, IEnumerable<string> topics)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).SetLogHandler(KafkaLog.Handle).Build();
        foreach (var topic in topics)
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.SingleOrDefault(t => t.Topic == topic) is not { Error.IsError: false, Partitions.Count: > 0 })
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"topic {topic} does not exist on {bootstrap} and was not created");
                }

                Thread.Sleep(200);
            }
        }
    }

    public static string CheckKafka(string bootstrap)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).SetLogHandler(KafkaLog.Handle).Build();
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
        var topics = metadata.Topics.Where(t => t.Topic.StartsWith("zesrec.", StringComparison.Ordinal))
            .Select(t => $"{t.Topic}({t.Partitions.Count})").Order(StringComparer.Ordinal);
        return $"Kafka at {bootstrap}: {metadata.Brokers.Count} broker(s), topics {string.Join(' ', topics)}";
    }
}
