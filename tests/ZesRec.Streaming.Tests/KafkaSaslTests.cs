using System.Collections.Concurrent;
using Confluent.Kafka;
using Xunit.Abstractions;
using ZesRec.Streaming.Tests.Fixtures;

namespace ZesRec.Streaming.Tests;

/// <summary>
/// SASL end to end with librdkafka's own SASL clients (the ones `zesrec` uses): the development broker's port
/// requires SASL PLAIN or SCRAM-SHA-256/512 before anything reaches the broker, over plaintext or TLS.
/// </summary>
[Trait("Tier", "Integration")]
public sealed class KafkaSaslTests(SaslBrokers brokers, ITestOutputHelper output) : IClassFixture<SaslBrokers>
{
    private const int Messages = 20;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RefusalPatience = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData("SASL_PLAINTEXT", "PLAIN")]
    [InlineData("SASL_PLAINTEXT", "SCRAM-SHA-256")]
    [InlineData("SASL_PLAINTEXT", "SCRAM-SHA-512")]
    [InlineData("SASL_SSL", "PLAIN")]
    [InlineData("SASL_SSL", "SCRAM-SHA-512")]
    public async Task Producer_and_consumer_should_round_trip_messages_when_they_authenticate(string securityProtocol, string mechanism)
    {
        // Given a producer and a consumer with the user's password
        var client = brokers.Client(securityProtocol, mechanism);

        // When the producer writes messages and the consumer reads the topic
        var (sent, read) = await SecuredKafkaClients.RoundTripAsync(Bootstrap(securityProtocol), client, Messages, Patience);

        // Then the consumer reads exactly them back, in order
        Assert.Equal(sent, read);
        output.WriteLine($"{securityProtocol} {mechanism}: {read.Count} messages round-tripped");
    }

    [Theory]
    [InlineData("SASL_PLAINTEXT", "PLAIN", "Invalid username or password")]
    [InlineData("SASL_PLAINTEXT", "SCRAM-SHA-256", "invalid credentials with SASL mechanism SCRAM-SHA-256")]
    [InlineData("SASL_SSL", "SCRAM-SHA-512", "invalid credentials with SASL mechanism SCRAM-SHA-512")]
    public void Client_should_get_librdkafkas_authentication_error_when_its_password_is_wrong(string securityProtocol, string mechanism, string reason)
    {
        // Given a producer with a wrong password
        var errors = new BlockingCollection<Error>();
        var client = brokers.Client(securityProtocol, mechanism, password: brokers.Password + "x");
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig(client) { BootstrapServers = Bootstrap(securityProtocol) })
            .SetErrorHandler((_, e) => errors.Add(e))
            .SetLogHandler((_, _) => { })
            .Build();

        // When it connects (at once, to the bootstrap broker)
        var refused = errors.TryTake(out var error, RefusalPatience);

        // Then librdkafka reports an authentication error carrying the broker's reason
        Assert.True(refused, $"no error within {RefusalPatience}");
        Assert.Equal(ErrorCode.Local_Authentication, error!.Code);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(brokers.Password, error.Reason, StringComparison.Ordinal);
        output.WriteLine($"{securityProtocol} {mechanism}, wrong password: {error.Code}: {error.Reason}");
    }

    [Fact]
    public void Client_should_be_refused_when_it_does_not_speak_SASL()
    {
        // Given clients without SASL: plaintext, and TLS alone to the SASL_SSL port
        var plaintext = new Dictionary<string, string>();
        var tlsOnly = new Dictionary<string, string> { ["security.protocol"] = "SSL", ["ssl.ca.location"] = brokers.Certificates.CaFile };

        // Then neither can even read metadata, while an authenticated client can
        Assert.Throws<KafkaException>(() => SecuredKafkaClients.Metadata(brokers.PlaintextBootstrap, plaintext));
        Assert.Throws<KafkaException>(() => SecuredKafkaClients.Metadata(brokers.SslBootstrap, tlsOnly));
        Assert.NotEmpty(SecuredKafkaClients.Metadata(brokers.SslBootstrap, brokers.Client("SASL_SSL", "SCRAM-SHA-256")).Topics);
    }

    private string Bootstrap(string securityProtocol) => securityProtocol == "SASL_SSL" ? brokers.SslBootstrap : brokers.PlaintextBootstrap;
}
