using Microsoft.Extensions.Configuration;

namespace ZesRec.Cli.Commands;

/// <summary>
/// The configuration sources every verb reads, lowest priority first: appsettings.json beside the binary, then in
/// the working folder, then ZESREC_-prefixed environment variables (ZESREC_Kafka__BootstrapServers), then flags.
/// </summary>
internal static class ZesRecConfiguration
{
    public static IConfigurationRoot Build(IEnumerable<KeyValuePair<string, string?>> flags) =>
        new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true)
            .AddEnvironmentVariables("ZESREC_")
            .AddInMemoryCollection(flags)
            .Build();
}
