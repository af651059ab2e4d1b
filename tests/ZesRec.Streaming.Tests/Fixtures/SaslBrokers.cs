namespace ZesRec.Streaming.Tests.Fixtures;

/// <summary>
/// Two development brokers of the SASL tests' own, each port requiring SASL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)
/// for one user: one speaks SASL_PLAINTEXT, the other SASL_SSL with a CA made for the tests.
/// </summary>
public sealed class SaslBrokers : IAsyncLifetime
{
    public const string User = "zesrec-app";

    private PrivateKafkaBroker? plaintext;
    private PrivateKafkaBroker? ssl;

    /// <summary>Made per run, so nothing can pass with a remembered one.</summary>
    public string Password { get; } = "pw:" + Guid.NewGuid().ToString("N");

    public TestCertificates Certificates { get; } = TestCertificates.Create();

    public string PlaintextBootstrap => plaintext!.Bootstrap;

    public string SslBootstrap => ssl!.Bootstrap;

    public async Task InitializeAsync()
    {
        var users = new Dictionary<string, string> { ["ZESREC_KAFKA_SASL_USERS"] = $"{User}:{Password}" };
        plaintext = await PrivateKafkaBroker.StartAsync(users);
        ssl = await PrivateKafkaBroker.StartAsync(new Dictionary<string, string>(users)
        {
            ["ZESREC_KAFKA_TLS_CERT"] = Certificates.ServerCertFile,
            ["ZESREC_KAFKA_TLS_KEY"] = Certificates.ServerKeyFile,
        });
    }

    /// <summary>The librdkafka properties of a client of these brokers.</summary>
    public Dictionary<string, string> Client(string securityProtocol, string mechanism, string? password = null)
    {
        var properties = new Dictionary<string, string>
        {
            ["security.protocol"] = securityProtocol,
            ["sasl.mechanism"] = mechanism,
            ["sasl.username"] = User,
            ["sasl.password"] = password ?? Password,
        };
        if (securityProtocol == "SASL_SSL")
        {
            properties["ssl.ca.location"] = Certificates.CaFile;
        }

        return properties;
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (plaintext is not null)
            {
                await plaintext.DisposeAsync();
            }

            if (ssl is not null)
            {
                await ssl.DisposeAsync();
            }
        }
        finally
        {
            Certificates.Dispose();
        }
    }
}
