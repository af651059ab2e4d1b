using ZesRec.Streaming.Hosting;

namespace ZesRec.Cli.Commands;

/// <summary>Serve's flags and its settings, loaded by <see cref="Configuration.ZesRecConfiguration"/>.</summary>
internal static class ServeConfiguration
{
    private static readonly SettingFlags Flags = new(
        new("model", "ModelDir", "DIR", "the model folder zesrec train wrote"),
        new("bootstrap", "Kafka:BootstrapServers", "HOST:PORT"),
        new("group", "Kafka:GroupId", "ID"),
        new("instance", "Kafka:InstanceId", "ID"),
        new("pg", "Postgres:ConnectionString", "CONN"),
        new("pg-schema", "Postgres:Schema", "NAME"),
        new("create-pg-schema", "Postgres:CreateSchema", null),
        new("metrics-port", "Metrics:Port", "PORT"),
        new("scoring", "Processing:Scoring", "matrix|usearch|pgvector"),
        new("device", "Processing:Device", "auto|cpu|cuda"),
        new("threads", "Processing:Threads", "N"),
        new("top-k", "Processing:TopK", "N"));

    public static string FlagHelp => Flags.Help(new ServeOptions()) + "\n" + KafkaPropertyFlags.Help;

    public static ServeOptions Load(CommandArgs args) => SettingFlags.Bind<ServeOptions>(Flags.Load(args, kafkaProperties: true));
}
