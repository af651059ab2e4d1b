using Xunit.Abstractions;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Tests.Fixtures;

namespace ZesRec.Streaming.Tests;

/// <summary>
/// `zesrec serve` against a broker that requires SASL SCRAM-SHA-512 over TLS, as Amazon MSK and most company
/// clusters do, configured only through Kafka:Client properties, with the password read from a file.
/// </summary>
[Collection(ProcessCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class KafkaSaslServeTests(PostgresService postgres, ProcessorHarness harness, ITestOutputHelper output)
{
    private const int Interactions = 100;
    private const string User = "zesrec-serve";
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private static readonly Topics DefaultTopics = new("zesrec.items", "zesrec.interactions", "zesrec.recommendations", "zesrec.deadletter");

    [Fact]
    public async Task Serve_should_consume_and_publish_through_a_SASL_SSL_SCRAM_broker_with_its_password_from_a_file()
    {
        // Given a broker whose port speaks TLS and requires SCRAM-SHA-512, and the password in a file
        using var certificates = TestCertificates.Create();
        var password = "pw:" + Guid.NewGuid().ToString("N");
        await using var broker = await PrivateKafkaBroker.StartAsync(new Dictionary<string, string>
        {
            ["ZESREC_KAFKA_TLS_CERT"] = certificates.ServerCertFile,
            ["ZESREC_KAFKA_TLS_KEY"] = certificates.ServerKeyFile,
            ["ZESREC_KAFKA_SASL_USERS"] = $"{User}:{password}",
            ["ZESREC_KAFKA_SASL_MECHANISMS"] = "SCRAM-SHA-512",
        });
        var passwordFile = Path.Combine(certificates.Folder, "kafka-password");
        await File.WriteAllTextAsync(passwordFile, password + "\n");
        var client = new Dictionary<string, string>
        {
            ["security.protocol"] = "SASL_SSL",
            ["ssl.ca.location"] = certificates.CaFile,
            ["sasl.mechanism"] = "SCRAM-SHA-512",
            ["sasl.username"] = User,
        };

        // When `zesrec serve` gets those properties through ZESREC_Kafka__Client__* variables, the password as a _FILE key
        await using var schema = await postgres.CreateSchemaAsync("sasl");
        var settings = client.ToDictionary(p => $"Kafka:Client:{p.Key}", p => p.Value);
        settings["Kafka:Client:sasl.password_FILE"] = passwordFile;
        using var serve = ServeProcess.Start(harness, broker.Bootstrap, postgres.ConnectionString, schema.Name, DefaultTopics, KafkaService.FreshGroup("sasl"), "sasl", settings: settings);

        // And, beside it, one whose password file holds a wrong password
        var wrongFile = Path.Combine(certificates.Folder, "wrong-password");
        var wrong = "wrong-" + Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(wrongFile, wrong + "\n");
        await using var wrongSchema = await postgres.CreateSchemaAsync("saslwrong");
        using var refused = ServeProcess.Start(
            harness, broker.Bootstrap, postgres.ConnectionString, wrongSchema.Name, DefaultTopics, KafkaService.FreshGroup("saslwrong"), "saslwrong",
            settings: new Dictionary<string, string>(settings) { ["Kafka:Client:sasl.password_FILE"] = wrongFile });

        // And the target's items and interactions are published by a client that authenticates the same way
        var authenticated = new Dictionary<string, string>(client) { ["sasl.password"] = password };
        using var producer = new KafkaProducer(KafkaSettings.Create(broker.Bootstrap).WithProperties(authenticated));
        await ProcessorHarness.PublishItemsAsync(producer, DefaultTopics.Items, harness.Target.Items);
        Assert.True(await Eventually.HoldsAsync(async () => await serve.MetricAsync("zesrec_catalog_items") == harness.Target.Items.Count, Patience), serve.Tail());
        var interactions = harness.Target.Interactions.OrderBy(i => i.OrderKey).Take(Interactions).ToList();
        await ProcessorHarness.PublishInteractionsAsync(producer, DefaultTopics.Interactions, interactions);

        // Then serve applies every interaction, and its recommendations can be read back through SASL_SSL
        Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(schema.DataSource, DefaultTopics.Interactions) == Interactions, Patience), serve.Tail());
        var published = await serve.MetricSumAsync("zesrec_events_produced_total", $"topic=\"{DefaultTopics.Recommendations}\"");
        Assert.True(published > 0, serve.Tail());
        var read = SecuredKafkaClients.ReadAll(broker.Bootstrap, authenticated, DefaultTopics.Recommendations, (int)published!.Value, Patience).Count;
        Assert.Equal(published, read);
        output.WriteLine($"through SASL_SSL SCRAM-SHA-512: {Interactions} interactions applied, {read} recommendations read back");

        // And the one with the wrong password says why it cannot start, naming neither password
        Assert.True(await Eventually.HoldsAsync(() => refused.Tail().Contains("Local_Authentication", StringComparison.Ordinal), Patience), refused.Tail());
        var refusal = refused.Tail(50);
        Assert.Contains("SASL authentication error: Authentication failed", refusal, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, refusal, StringComparison.Ordinal);
        Assert.DoesNotContain(password, refusal, StringComparison.Ordinal);
        output.WriteLine(refusal.Split('\n').First(l => l.Contains("Local_Authentication", StringComparison.Ordinal)));

        // And the password never appears in its output, only masked
        var log = serve.Tail(200);
        Assert.Contains("sasl.password=***", log, StringComparison.Ordinal);
        Assert.Contains("security.protocol=SASL_SSL", log, StringComparison.Ordinal);
        Assert.Contains("sasl.mechanism=SCRAM-SHA-512", log, StringComparison.Ordinal);
        Assert.DoesNotContain(password, log, StringComparison.Ordinal);
    }
}
