using System.Net;
using System.Net.Sockets;
using ZesRec.Streaming.Tests.Fixtures;

namespace ZesRec.Streaming.Tests;

/// <summary>
/// `zesrec serve` with a setting that cannot work stops with one sentence naming it and a non-zero exit code, before
/// its streams start; it never serves with a wrong schema or topic, nor retries forever.
/// </summary>
[Collection(ProcessCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class ServeConfigurationTests(KafkaService kafka, PostgresService postgres, ProcessorHarness harness)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData("quoted schema", "Postgres:Schema")]
    [InlineData("topic with a space and a slash", "Kafka:InteractionsTopic")]
    [InlineData("topic of 250 characters", "Kafka:DeadLetterTopic")]
    [InlineData("topic named ..", "Kafka:ItemsTopic")]
    [InlineData("metrics port in use", "Metrics:Port")]
    public async Task Serve_should_exit_with_one_sentence_naming_the_setting_when_a_name_or_port_cannot_work(string what, string setting)
    {
        // Given
        await using var schema = await postgres.CreateSchemaAsync("config");
        var topics = Topics.Fresh(kafka);
        var schemaName = schema.Name;
        using var occupied = new TcpListener(IPAddress.Loopback, 0);
        occupied.Start();
        int? port = null;
        switch (what)
        {
            case "quoted schema":
                schemaName = "Bad\"Name";
                break;
            case "topic with a space and a slash":
                topics = topics with { Interactions = "bad topic/../x" };
                break;
            case "topic of 250 characters":
                topics = topics with { DeadLetter = new string('d', 250) };
                break;
            case "topic named ..":
                topics = topics with { Items = ".." };
                break;
            default:
                port = ((IPEndPoint)occupied.LocalEndpoint).Port;
                break;
        }

        // When
        using var serve = ServeProcess.Start(harness, kafka.Bootstrap, postgres.ConnectionString, schemaName, topics, KafkaService.FreshGroup("config"), "config", metricsPort: port);
        var exit = await serve.ExitCodeAsync(Patience);

        // Then
        AssertRefused(serve, exit, 2, setting);
    }

    [Fact]
    public async Task Serve_should_exit_when_the_schema_is_missing_and_create_it_only_when_asked()
    {
        // Given a schema name that does not exist
        var missing = $"test_missing_{Guid.NewGuid():N}";
        var topics = Topics.Fresh(kafka);

        // When serve is started on it, then again with --create-pg-schema
        using (var serve = ServeProcess.Start(harness, kafka.Bootstrap, postgres.ConnectionString, missing, topics, KafkaService.FreshGroup("missing"), "missing"))
        {
            AssertRefused(serve, await serve.ExitCodeAsync(Patience), 1, $"PostgreSQL schema '{missing}' does not exist");
        }

        using (var serve = ServeProcess.Start(harness, kafka.Bootstrap, postgres.ConnectionString, missing, topics, KafkaService.FreshGroup("missing"), "missing", extraArgs: ["--create-pg-schema"]))
        {
            // Then the first exits with the reason, the second creates the schema and serves
            var ready = await Eventually.HoldsAsync(async () => await serve.MetricAsync("zesrec_ready") == 1, Patience);
            Assert.True(ready, serve.Tail());
        }

        await using var drop = postgres.Admin.CreateCommand($"DROP SCHEMA IF EXISTS \"{missing}\" CASCADE");
        await drop.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Serve_should_exit_when_a_topic_does_not_exist_on_the_broker()
    {
        // Given a valid topic name that no one created
        await using var schema = await postgres.CreateSchemaAsync("notopic");
        var topics = Topics.Fresh(kafka) with { Recommendations = $"test.never-created.{Guid.NewGuid():N}" };

        // When
        using var serve = ServeProcess.Start(harness, kafka.Bootstrap, postgres.ConnectionString, schema.Name, topics, KafkaService.FreshGroup("notopic"), "notopic");
        var exit = await serve.ExitCodeAsync(Patience);

        // Then
        AssertRefused(serve, exit, 1, $"Kafka topic '{topics.Recommendations}' (Kafka:RecommendationsTopic) does not exist");
    }

    private static void AssertRefused(ServeProcess serve, int? exit, int expectedExit, string expectedText)
    {
        var tail = serve.Tail(60);
        Assert.True(exit == expectedExit, $"exit {exit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(still running)"}, expected {expectedExit}:\n{tail}");
        Assert.Contains(expectedText, tail, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", tail, StringComparison.Ordinal);
    }
}
