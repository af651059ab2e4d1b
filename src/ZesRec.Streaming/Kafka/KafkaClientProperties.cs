using System.Collections.Immutable;
using Confluent.Kafka;

namespace ZesRec.Streaming.Kafka;

/// <summary>
/// librdkafka properties given by the operator (the <c>Kafka:Client</c> section: security.protocol, sasl.*, ssl.*,
/// ...), passed to every consumer and producer. Secrets can come from files, and are masked wherever the
/// properties are shown.
/// </summary>
public static class KafkaClientProperties
{
    /// <summary>A key ending in this reads its value from the file it names (e.g. <c>sasl.password_FILE</c>).</summary>
    public const string FileSuffix = "_FILE";

    private const string Mask = "***";

    // Fragments of the librdkafka property names that hold secrets: sasl.password, ssl.key.password,
    // ssl.keystore.password, sasl.oauthbearer.client.secret, ssl.key.pem, sasl.oauthbearer.config, ...
    private static readonly string[] SecretFragments = ["password", "secret", "ssl.key.pem", "ssl_key", "oauthbearer.config", "jaas", "token"];

    /// <summary>
    /// The properties to pass to librdkafka. A key without a dot has its underscores read as dots, so a shell can set
    /// <c>ZESREC_Kafka__Client__security_protocol</c>; a key ending in <see cref="FileSuffix"/> takes its value from
    /// that file (trailing line breaks dropped), as container secrets are mounted.
    /// </summary>
    /// <exception cref="ArgumentException">A file cannot be read, or a property is given twice.</exception>
    public static ImmutableDictionary<string, string> Resolve(IReadOnlyDictionary<string, string> section, Func<string, string>? readFile = null)
    {
        readFile ??= File.ReadAllText;
        var resolved = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (rawKey, rawValue) in section.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var fromFile = rawKey.EndsWith(FileSuffix, StringComparison.Ordinal);
            var key = Normalize(fromFile ? rawKey[..^FileSuffix.Length] : rawKey);
            string value;
            if (fromFile)
            {
                try
                {
                    value = readFile(rawValue).TrimEnd('\r', '\n');
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
                {
                    throw new ArgumentException($"Kafka:Client:{rawKey}: cannot read the file '{rawValue}' ({e.Message})", e);
                }
            }
            else
            {
                value = rawValue;
            }

            if (!resolved.TryAdd(key, value))
            {
                throw new ArgumentException($"Kafka:Client: the property '{key}' is given twice (directly and from a file, or as {key.Replace('.', '_')} and {key})");
            }
        }

        return resolved.ToImmutable();
    }

    /// <summary>Whether a property's value must never be shown.</summary>
    public static bool IsSecret(string key) => SecretFragments.Any(f => key.Contains(f, StringComparison.OrdinalIgnoreCase));

    /// <summary>The properties as <c>key=value</c>, secrets masked: for logs and configuration dumps.</summary>
    public static string Describe(IReadOnlyDictionary<string, string> properties) =>
        string.Join(", ", properties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={(IsSecret(p.Key) ? Mask : p.Value)}"));

    /// <summary>
    /// Creates (and at once destroys) a producer with these settings, so that an unknown property, a bad value or a
    /// missing certificate file fails at start with librdkafka's sentence instead of in the restart loop. Creating a
    /// client reads the configuration and the certificate files; it does not wait for a broker.
    /// </summary>
    /// <exception cref="ArgumentException">librdkafka rejects the configuration.</exception>
    public static void Check(KafkaSettings settings)
    {
        // librdkafka reports a missing certificate file as an OpenSSL error code; name the file instead.
        foreach (var (key, path) in settings.Properties.Where(p => p.Key.EndsWith(".location", StringComparison.Ordinal) && p.Value.Length > 0))
        {
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                throw new ArgumentException($"Kafka:Client:{key}: no file or folder '{path}'");
            }
        }

        try
        {
            using var producer = new ProducerBuilder<Null, Null>(settings.ToProducerConfig()).SetLogHandler((_, _) => { }).Build();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or KafkaException)
        {
            throw new ArgumentException($"Kafka:Client: {MaskValues(e.Message, settings.Properties)}", e);
        }
    }

    private static string Normalize(string key) => key.Contains('.', StringComparison.Ordinal) ? key : key.Replace('_', '.');

    /// <summary>librdkafka's messages quote a rejected value; a secret's value is replaced before it is shown.</summary>
    private static string MaskValues(string message, IReadOnlyDictionary<string, string> properties) =>
        properties.Where(p => IsSecret(p.Key) && p.Value.Length > 0).Aggregate(message, (m, p) => m.Replace(p.Value, Mask, StringComparison.Ordinal));
}
