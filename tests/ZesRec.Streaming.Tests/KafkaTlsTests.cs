using Confluent.Kafka;
using Xunit.Abstractions;
using ZesRec.Streaming.Kafka;
using ZesRec.Streaming.Tests.Fixtures;

namespace ZesRec.Streaming.Tests;

/// <summary>
/// TLS end to end: the development broker's port speaks only TLS with a certificate signed by a CA made for the
/// test; `zesrec serve`, a producer and a consumer reach it only through librdkafka properties (Kafka:Client).
/// </summary>
[Collection(ProcessorCollection.Name)]
[Trait("Tier", "Integration")]
public sealed class KafkaTlsTests(PostgresService postgres, ProcessorHarness harness, ITestOutputHelper output)
{
    private const int Interactions = 300;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private static readonly Topics DefaultTopics = new("zesrec.items", "zesrec.interactions", "zesrec.recommendations", "zesrec.deadletter");

    [Fact]
    public async Task Serve_should_consume_and_publish_through_a_TLS_broker_given_its_CA_as_a_client_property()
    {
        // Given a broker that speaks only TLS, and the client properties that trust its CA
        using var certificates = TestCertificates.Create();
        await using var broker = await PrivateKafkaBroker.StartAsync(new Dictionary<string, string>
        {
            ["ZESREC_KAFKA_TLS_CERT"] = certificates.ServerCertFile,
            ["ZESREC_KAFKA_TLS_KEY"] = certificates.ServerKeyFile,
        });
        var tls = new Dictionary<string, string> { ["security.protocol"] = "SSL", ["ssl.ca.location"] = certificates.CaFile };

        // Then a plaintext client, and a TLS client trusting another CA, cannot even read its metadata
        Assert.Throws<KafkaException>(() => SecuredKafkaClients.Metadata(broker.Bootstrap, new Dictionary<string, string>()));
        Assert.Throws<KafkaException>(() => SecuredKafkaClients.Metadata(broker.Bootstrap, new Dictionary<string, string>(tls) { ["ssl.ca.location"] = certificates.OtherCaFile }));
        Assert.Contains(SecuredKafkaClients.Metadata(broker.Bootstrap, tls).Topics, t => t.Topic == DefaultTopics.Interactions);

        // When `zesrec serve` is given the same properties, through ZESREC_Kafka__Client__* variables, with a SASL
        // password from a file (unused by TLS alone, but read and shown masked)
        var secret = "pw-" + Guid.NewGuid().ToString("N");
        var secretFile = Path.Combine(certificates.Folder, "kafka-password");
        await File.WriteAllTextAsync(secretFile, secret + "\n");
        await using var schema = await postgres.CreateSchemaAsync("tls");
        var settings = tls.ToDictionary(p => $"Kafka:Client:{p.Key}", p => p.Value);
        settings["Kafka:Client:sasl.password_FILE"] = secretFile;
        using var serve = ServeProcess.Start(harness, broker.Bootstrap, postgres.ConnectionString, schema.Name, DefaultTopics, KafkaService.FreshGroup("tls"), "tls", settings: settings);

        // And the target's items and interactions are published through TLS
        using var producer = new KafkaProducer(KafkaSettings.Create(broker.Bootstrap).WithProperties(tls));
        await ProcessorHarness.PublishItemsAsync(producer, DefaultTopics.Items, harness.Target.Items);
        Assert.True(await Eventually.HoldsAsync(async () => await serve.MetricAsync("zesrec_catalog_items") == harness.Target.Items.Count, Patience), serve.Tail());
        var interactions = harness.Target.Interactions.OrderBy(i => i.OrderKey).Take(Interactions).ToList();
        await ProcessorHarness.PublishInteractionsAsync(producer, DefaultTopics.Interactions, interactions);

        // Then serve applies every interaction and its recommendations can be read back through TLS
        Assert.True(await Eventually.HoldsAsync(() => ProcessorStore.OffsetSum(schema.DataSource, DefaultTopics.Interactions) == Interactions, Patience), serve.Tail());
        var published = await serve.MetricSumAsync("zesrec_events_produced_total", $"topic=\"{DefaultTopics.Recommendations}\"");
        Assert.True(published > 0, serve.Tail());
        var read = SecuredKafkaClients.ReadAll(broker.Bootstrap, tls, DefaultTopics.Recommendations, (int)published!.Value, Patience).Count;
        Assert.Equal(published, read);
        output.WriteLine($"through TLS: {Interactions} interactions applied, {read} recommendations read back");

        // And the password never appears in its output, only masked
        var log = serve.Tail(200);
        Assert.Contains("sasl.password=***", log, StringComparison.Ordinal);
        Assert.Contains("security.protocol=SSL", log, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
    }
}
