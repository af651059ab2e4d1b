namespace ZesRec.Cli.Commands;

/// <summary><c>--kafka-property KEY=VALUE</c> (repeatable): one librdkafka property, the flag form of <c>Kafka:Client:KEY</c>.</summary>
internal static class KafkaPropertyFlags
{
    public const string Help = "  --kafka-property K=V  librdkafka property for every Kafka client (Kafka:Client:K), repeatable,\n" +
                               "                        e.g. security.protocol=SSL; secrets belong in files: Kafka:Client:sasl.password_FILE";

    public static IEnumerable<KeyValuePair<string, string?>> Overrides(CommandArgs args) =>
        args.GetAll("kafka-property").Select(pair =>
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new UsageException($"--kafka-property takes KEY=VALUE (a librdkafka property), got '{pair}'");
            }

            return new KeyValuePair<string, string?>($"Kafka:Client:{pair[..eq]}", pair[(eq + 1)..]);
        }).ToList();
}
