using Confluent.Kafka;
using Xunit.Abstractions;
using ZesRec.Streaming.Tests.Fixtures;

namespace ZesRec.Streaming.Tests;

/// <summary>
/// TLS end to end: the development broker's port speaks only TLS with a certificate signed by a CA made for the
/// test; clients reach it only through librdkafka properties. `zesrec serve` itself goes through TLS (and SASL) in
/// <see cref="KafkaSaslServeTests"/>.
/// </summary>
[Trait("Tier", "Integration")]
public sealed class KafkaTlsTests(ITestOutputHelper output)
{
    private const int Messages = 20;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Producer_and_consumer_should_round_trip_through_a_TLS_broker_given_its_CA_as_a_client_property()
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

        // When a producer and a consumer trusting the CA write and read a topic
        var (sent, read) = await SecuredKafkaClients.RoundTripAsync(broker.Bootstrap, tls, Messages, Patience);

        // Then every message comes back, in order
        Assert.Equal(sent, read);
        output.WriteLine($"through TLS: {read.Count} messages round-tripped");
    }
}
