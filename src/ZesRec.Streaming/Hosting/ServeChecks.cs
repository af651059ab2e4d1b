using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Npgsql;
using ZesRec.Data.Events;

namespace ZesRec.Streaming.Hosting;

/// <summary>
/// Checks of <c>zesrec serve</c>'s settings: the rules a name must follow and a free metrics port before anything
/// connects, then that the PostgreSQL schema and the Kafka topics exist and what message size the topics accept.
/// Every failure is one sentence naming the setting.
/// </summary>
public static partial class ServeChecks
{
    /// <summary>Kafka's longest topic name.</summary>
    public const int MaxTopicLength = 249;

    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Problems of names and ports, found without connecting to anything; empty when there are none.</summary>
    public static IEnumerable<(string Setting, string Problem)> Offline(ServeOptions options)
    {
        foreach (var (setting, topic) in Topics(options))
        {
            if (TopicProblem(topic) is { } problem)
            {
                yield return (setting, problem);
            }
        }

        if (options.Postgres.Schema is { Length: > 0 } schema && !SchemaName().IsMatch(schema))
        {
            yield return ("Postgres:Schema", $"schema name '{schema}' is not a plain PostgreSQL identifier: use 1 to 63 lowercase letters, digits and '_', starting with a letter or '_'");
        }

        if (options.Metrics.Port != 0 && PortProblem(options.Metrics.Host, options.Metrics.Port) is { } port)
        {
            yield return ("Metrics:Port", port);
        }
    }

    /// <summary>Why <paramref name="topic"/> is no valid Kafka topic name; null when it is one.</summary>
    public static string? TopicProblem(string topic) => topic switch
    {
        "" => "the topic name is empty",
        "." or ".." => $"'{topic}' is not allowed as a Kafka topic name",
        { Length: > MaxTopicLength } => $"topic name '{EventText.Shorten(topic)}' is {topic.Length} characters, over Kafka's limit of {MaxTopicLength}",
        _ when !TopicName().IsMatch(topic) => $"topic name '{EventText.Shorten(topic)}' may only hold the letters a-z and A-Z, digits, '.', '_' and '-'",
        _ => null,
    };

    /// <summary>
    /// Fails with <see cref="ConfigurationException"/> when the schema is missing (and not to be created); creates it
    /// when asked. An unreachable database throws <see cref="NpgsqlException"/>, which the caller retries.
    /// </summary>
    public static async Task EnsureSchemaAsync(NpgsqlDataSource admin, PostgresOptions options, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(options.Schema))
        {
            return;
        }

        await using var exists = admin.CreateCommand("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)");
        exists.Parameters.AddWithValue(options.Schema);
        if ((bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
        {
            return;
        }

        if (!options.CreateSchema)
        {
            throw new ConfigurationException(
                $"PostgreSQL schema '{options.Schema}' does not exist; create it, or pass --create-pg-schema (Postgres:CreateSchema) to have serve create it");
        }

        // The name matched SchemaName(), so quoting it is safe.
        await using var create = admin.CreateCommand($"CREATE SCHEMA IF NOT EXISTS \"{options.Schema}\"");
        await create.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Fails with <see cref="ConfigurationException"/> when a topic does not exist or the output topics accept messages
    /// smaller than a dead letter needs; returns the largest message the processor may publish. Never creates a
    /// topic. An unreachable broker throws <see cref="KafkaException"/>, which the caller retries.
    /// </summary>
    public static async Task<int> CheckTopicsAsync(ServeOptions options, int producerMaxBytes)
    {
        // The operator's client properties (TLS, SASL) apply to this admin connection as to every other one.
        var config = new AdminClientConfig(new Dictionary<string, string>(options.Kafka.ToSettings().Properties)) { BootstrapServers = options.Kafka.BootstrapServers, AllowAutoCreateTopics = false };
        // A refused login or TLS handshake reaches only the error callback; GetMetadata then fails with a bare
        // transport error, so the callback's error is what the operator is shown.
        Error? refused = null;
        using var admin = new AdminClientBuilder(config)
            .SetLogHandler((_, _) => { })
            .SetErrorHandler((_, e) => refused = e.Code is ErrorCode.Local_Authentication or ErrorCode.Local_Ssl ? e : refused)
            .Build();
        foreach (var (setting, topic) in Topics(options))
        {
            TopicMetadata? metadata;
            try
            {
                metadata = admin.GetMetadata(topic, MetadataTimeout).Topics.SingleOrDefault(t => t.Topic == topic);
            }
            catch (KafkaException) when (refused is not null)
            {
                throw new KafkaException(refused);
            }

            if (metadata is null || metadata.Error.Code == ErrorCode.UnknownTopicOrPart || metadata.Partitions.Count == 0)
            {
                throw new ConfigurationException(
                    $"Kafka topic '{topic}' ({setting}) does not exist on {options.Kafka.BootstrapServers}; create it first (infra/kafka/topics.json lists the project's topics)");
            }

            if (metadata.Error.IsError)
            {
                throw new KafkaException(metadata.Error);
            }
        }

        var limit = producerMaxBytes;
        foreach (var (setting, topic, bytes) in await OutputLimitsAsync(admin, options))
        {
            if (bytes < DeadLetter.MinMessageBytes + 16 * 1024)
            {
                throw new ConfigurationException(
                    $"Kafka topic '{topic}' ({setting}) accepts messages of at most {bytes} bytes; the processor needs at least {DeadLetter.MinMessageBytes + (16 * 1024)} (set max.message.bytes to 1048576)");
            }

            limit = Math.Min(limit, bytes);
        }

        return limit;
    }

    /// <summary>max.message.bytes of the topics the processor writes; empty when the broker cannot describe configs.</summary>
    private static async Task<List<(string Setting, string Topic, int Bytes)>> OutputLimitsAsync(IAdminClient admin, ServeOptions options)
    {
        var outputs = new[] { ("Kafka:RecommendationsTopic", options.Kafka.RecommendationsTopic), ("Kafka:DeadLetterTopic", options.Kafka.DeadLetterTopic) };
        var limits = new List<(string, string, int)>();
        try
        {
            var described = await admin.DescribeConfigsAsync(
                outputs.Select(o => new ConfigResource { Type = ResourceType.Topic, Name = o.Item2 }),
                new DescribeConfigsOptions { RequestTimeout = MetadataTimeout });
            foreach (var result in described)
            {
                if (result.Entries.TryGetValue("max.message.bytes", out var entry)
                    && int.TryParse(entry.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var bytes))
                {
                    limits.Add((outputs.First(o => o.Item2 == result.ConfigResource.Name).Item1, result.ConfigResource.Name, bytes));
                }
            }
        }
        catch (KafkaException)
        {
            // The development broker answers no DescribeConfigs; the producer's message.max.bytes is the limit there.
        }

        return limits;
    }

    private static IEnumerable<(string Setting, string Topic)> Topics(ServeOptions options) =>
    [
        ("Kafka:ItemsTopic", options.Kafka.ItemsTopic),
        ("Kafka:InteractionsTopic", options.Kafka.InteractionsTopic),
        ("Kafka:RecommendationsTopic", options.Kafka.RecommendationsTopic),
        ("Kafka:DeadLetterTopic", options.Kafka.DeadLetterTopic),
    ];

    private static string? PortProblem(string host, int port)
    {
        var address = IPAddress.TryParse(host, out var parsed) ? parsed : host == "localhost" ? IPAddress.Loopback : IPAddress.Any;
        try
        {
            using var probe = new TcpListener(address, port);
            probe.Start();
            return null;
        }
        catch (SocketException e)
        {
            return $"metrics port {port} on {host} cannot be opened ({e.SocketErrorCode}); stop what uses it or choose another with --metrics-port";
        }
    }

    [GeneratedRegex("^[a-zA-Z0-9._-]+$")]
    private static partial Regex TopicName();

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();
}
