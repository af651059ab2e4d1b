using CsCheck;
using ZesRec.Streaming.Kafka;

namespace ZesRec.Streaming.Tests;

/// <summary>Operator-given librdkafka properties: names, secrets from files, masking, and checks before connecting.</summary>
public sealed class KafkaClientPropertiesTests
{
    private static readonly string[] SecretKeys = ["sasl.password", "ssl.key.password", "ssl.keystore.password", "sasl.oauthbearer.client.secret", "ssl.key.pem"];
    private static readonly string[] PlainKeys = ["security.protocol", "sasl.mechanism", "sasl.username", "ssl.ca.location", "client.rack"];

    [Fact]
    public void Describe_should_never_show_a_secret_value()
    {
        // Given any mix of secret and plain properties; secret values use letters plain values never contain
        var properties =
            from secrets in Gen.Int[0, SecretKeys.Length - 1].Select(Gen.String[Gen.Char['A', 'Z'], 1, 30]).Array[1, 4]
            from plain in Gen.Int[0, PlainKeys.Length - 1].Select(Gen.String[Gen.Char['a', 'z'], 0, 30]).Array[0, 4]
            select (Secrets: secrets.DistinctBy(s => s.Item1).ToDictionary(s => SecretKeys[s.Item1], s => s.Item2),
                    Plain: plain.DistinctBy(p => p.Item1).ToDictionary(p => PlainKeys[p.Item1], p => p.Item2));

        properties.Sample(p =>
        {
            // When they are described for a log line
            var all = p.Secrets.Concat(p.Plain).ToDictionary();
            var text = KafkaClientProperties.Describe(all);

            // Then every secret shows as *** and every plain value as itself
            foreach (var (key, value) in p.Secrets)
            {
                Assert.Contains($"{key}=***", text, StringComparison.Ordinal);
                Assert.DoesNotContain($"={value}", text, StringComparison.Ordinal);
            }

            foreach (var (key, value) in p.Plain)
            {
                Assert.Contains($"{key}={value}", text, StringComparison.Ordinal);
            }
        });
    }

    [Fact]
    public void Resolve_should_read_underscored_names_as_dotted_and_file_values_without_their_line_break()
    {
        // Given property names written with dots or, for shells, with underscores, some read from files
        Gen.Select(Gen.Int[0, PlainKeys.Length - 1], Gen.String[Gen.Char['a', 'z'], 1, 20], Gen.Bool, Gen.Bool).Sample((k, value, underscored, fromFile) =>
        {
            var key = underscored ? PlainKeys[k].Replace('.', '_') : PlainKeys[k];
            var files = new Dictionary<string, string> { ["/run/secrets/x"] = value + "\n" };
            var section = new Dictionary<string, string> { [fromFile ? key + KafkaClientProperties.FileSuffix : key] = fromFile ? "/run/secrets/x" : value };

            // When they are resolved
            var resolved = KafkaClientProperties.Resolve(section, path => files[path]);

            // Then each is the librdkafka property with its value
            Assert.Equal(value, Assert.Single(resolved, p => p.Key == PlainKeys[k]).Value);
        });
    }

    [Fact]
    public void Resolve_should_name_the_property_when_its_file_cannot_be_read()
    {
        var missing = Path.Combine(Path.GetTempPath(), "zesrec-no-such-secret-" + Guid.NewGuid().ToString("N"));
        var e = Assert.Throws<ArgumentException>(() => KafkaClientProperties.Resolve(new Dictionary<string, string> { ["sasl_password_FILE"] = missing }));
        Assert.StartsWith($"Kafka:Client:sasl_password_FILE: cannot read the file '{missing}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_should_refuse_a_property_given_twice()
    {
        var e = Assert.Throws<ArgumentException>(() => KafkaClientProperties.Resolve(
            new Dictionary<string, string> { ["sasl.password"] = "a", ["sasl_password_FILE"] = "/x" }, _ => "b"));
        Assert.Contains("'sasl.password' is given twice", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no.such.property", "1", "No such configuration property: \"no.such.property\"")]
    [InlineData("security.protocol", "TLS", "security.protocol")]
    [InlineData("ssl.ca.location", "/no/such/ca.pem", "Kafka:Client:ssl.ca.location: no file or folder '/no/such/ca.pem'")]
    public void Check_should_reject_what_librdkafka_rejects_before_anything_connects(string key, string value, string expected)
    {
        // Given settings with one bad property
        var settings = KafkaSettings.Create("127.0.0.1:1").WithProperty(key, value);

        // When checked, Then one sentence names it
        var e = Assert.Throws<ArgumentException>(() => KafkaClientProperties.Check(settings));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_should_accept_a_complete_SASL_SSL_configuration_without_a_broker()
    {
        var settings = KafkaSettings.Create("127.0.0.1:1").WithProperties(new Dictionary<string, string>
        {
            ["security.protocol"] = "SASL_SSL",
            ["sasl.mechanism"] = "SCRAM-SHA-512",
            ["sasl.username"] = "zesrec",
            ["sasl.password"] = "secret",
        });
        KafkaClientProperties.Check(settings);
    }
}
