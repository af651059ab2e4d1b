using System.Globalization;

namespace ZesRec.DevBroker;

/// <summary>Command-line and environment settings of the development broker.</summary>
internal sealed record BrokerOptions(
    string Host, int Port, string TopicsFile, string? ReadyFile, int RebalanceDelayMs, string? ControlFile = null, string? TlsCertFile = null, string? TlsKeyFile = null,
    IReadOnlyDictionary<string, string>? SaslUsers = null, IReadOnlyList<string>? SaslMechanisms = null)
{
    public const int DefaultPort = 59092;
    public const string DefaultTopicsFile = "infra/kafka/topics.json";

    public string Bootstrap => $"{Host}:{Port}";

    public static string Usage =>
        """
        usage: zesrec-devbroker [--host 127.0.0.1] [--port 59092] [--topics infra/kafka/topics.json]
                                [--ready-file PATH] [--rebalance-delay-ms 0] [--control-file PATH]
                                [--tls-cert CERT.pem --tls-key KEY.pem]
                                [--sasl-users USER:PASSWORD,...] [--sasl-mechanisms PLAIN,SCRAM-SHA-256,SCRAM-SHA-512]
          --port defaults to $ZESREC_KAFKA_PORT, then 59092.
          --control-file: a file holding "down" or "up", read every 100 ms; down takes the broker down as a
            restart would (connections dropped, port closed, data kept), up brings it back. The state in force
            is written to PATH.applied.
          --tls-cert, --tls-key: PEM server certificate (with its chain) and private key; the port then speaks TLS
            only (clients: security.protocol=SSL, ssl.ca.location=the CA that signed it).
          --sasl-users: every connection must authenticate as one of these users before anything else (clients:
            security.protocol=SASL_PLAINTEXT, or SASL_SSL with --tls-cert; sasl.mechanism, sasl.username,
            sasl.password). Defaults to $ZESREC_KAFKA_SASL_USERS, which keeps the passwords out of `ps`. A password
            may hold colons, not commas.
          --sasl-mechanisms: the mechanisms offered (default $ZESREC_KAFKA_SASL_MECHANISMS, then all three).
        """;

    public static BrokerOptions Parse(IReadOnlyList<string> args, Func<string, string?> env)
    {
        var host = "127.0.0.1";
        var port = ParseInt("ZESREC_KAFKA_PORT", env("ZESREC_KAFKA_PORT") ?? DefaultPort.ToString(CultureInfo.InvariantCulture));
        var topics = DefaultTopicsFile;
        string? readyFile = null;
        string? controlFile = null;
        string? tlsCert = null;
        string? tlsKey = null;
        var rebalanceDelay = 0;
        var saslUsers = env("ZESREC_KAFKA_SASL_USERS");
        var saslMechanisms = env("ZESREC_KAFKA_SASL_MECHANISMS");

        for (var i = 0; i < args.Count; i++)
        {
            var flag = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{flag} needs a value.\n{Usage}");
            switch (flag)
            {
                case "--host": host = Value(); break;
                case "--port": port = ParseInt(flag, Value()); break;
                case "--topics": topics = Value(); break;
                case "--ready-file": readyFile = Value(); break;
                case "--rebalance-delay-ms": rebalanceDelay = ParseInt(flag, Value()); break;
                case "--control-file": controlFile = Value(); break;
                case "--tls-cert": tlsCert = Value(); break;
                case "--tls-key": tlsKey = Value(); break;
                case "--sasl-users": saslUsers = Value(); break;
                case "--sasl-mechanisms": saslMechanisms = Value(); break;
                default: throw new ArgumentException($"Unknown option '{flag}'.\n{Usage}");
            }
        }

        if (port is < 1 or > 65535)
        {
            throw new ArgumentException($"Port {port} is outside 1..65535.");
        }

        if (rebalanceDelay < 0)
        {
            throw new ArgumentException($"--rebalance-delay-ms must not be negative, got {rebalanceDelay}.");
        }

        if ((tlsCert is null) != (tlsKey is null))
        {
            throw new ArgumentException("--tls-cert and --tls-key go together.");
        }

        var users = string.IsNullOrWhiteSpace(saslUsers) ? null : Sasl.SaslUsers.ParseList(saslUsers);
        var mechanisms = Sasl.SaslUsers.ParseMechanisms(saslMechanisms);
        if (users is null && !string.IsNullOrWhiteSpace(saslMechanisms))
        {
            throw new ArgumentException("--sasl-mechanisms (ZESREC_KAFKA_SASL_MECHANISMS) needs --sasl-users (ZESREC_KAFKA_SASL_USERS).");
        }

        return new BrokerOptions(host, port, topics, readyFile, rebalanceDelay, controlFile, tlsCert, tlsKey, users, users is null ? null : mechanisms);
    }

    private static int ParseInt(string name, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"{name} must be an integer, got '{text}'.");
}
