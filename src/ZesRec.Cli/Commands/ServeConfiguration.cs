using Microsoft.Extensions.Configuration;
using ZesRec.Streaming.Hosting;

namespace ZesRec.Cli.Commands;

/// <summary>appsettings.json (beside the binary, then the working folder), then ZESREC_ environment variables, then flags.</summary>
internal static class ServeConfiguration
{
    private static readonly (string Flag, string Key)[] Flags =
    [
        ("model", "ModelDir"),
        ("bootstrap", "Kafka:BootstrapServers"),
        ("group", "Kafka:GroupId"),
        ("instance", "Kafka:InstanceId"),
        ("pg", "Postgres:ConnectionString"),
        ("pg-schema", "Postgres:Schema"),
        ("create-pg-schema", "Postgres:CreateSchema"),
        ("metrics-port", "Metrics:Port"),
        ("scoring", "Processing:Scoring"),
        ("device", "Processing:Device"),
        ("threads", "Processing:Threads"),
        ("top-k", "Processing:TopK"),
    ];

    public static string FlagHelp => string.Join("\n", Flags.Select(f => $"  --{f.Flag,-14} {f.Key} (default: {SettingDefaults.Of(f.Key)})")) + "\n" + KafkaPropertyFlags.Help;

    public static ServeOptions Load(CommandArgs args)
    {
        var overrides = Flags
            .Select(f => (f.Key, Value: args.Get(f.Flag)))
            .Where(f => f.Value is not null)
            .ToDictionary(f => f.Key, f => f.Value);
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true)
            .AddEnvironmentVariables("ZESREC_")
            .AddInMemoryCollection(overrides)
            .AddInMemoryCollection(KafkaPropertyFlags.Overrides(args))
            .Build();
        var options = new ServeOptions();
        configuration.Bind(options);
        return options;
    }
}
