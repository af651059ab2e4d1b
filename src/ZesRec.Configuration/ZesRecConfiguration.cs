using Microsoft.Extensions.Configuration;

namespace ZesRec.Configuration;

/// <summary>
/// The configuration every verb, the benchmark and the test fixtures read, lowest priority first: appsettings.json
/// beside the binary, then in the working folder, then ZESREC_-prefixed environment variables
/// (<c>ZESREC_Kafka__BootstrapServers</c> is <c>Kafka:BootstrapServers</c>), then flags. One name per setting.
/// </summary>
public static class ZesRecConfiguration
{
    public const string EnvironmentPrefix = "ZESREC_";

    /// <param name="flags">Settings given on the command line, by key (<c>Kafka:BootstrapServers</c>).</param>
    /// <param name="discovered">
    /// Settings a verb learnt at run time (the addresses the local stack printed); between the environment and flags.
    /// </param>
    public static IConfigurationRoot Build(
        IEnumerable<KeyValuePair<string, string?>>? flags = null,
        IEnumerable<KeyValuePair<string, string?>>? discovered = null) =>
        new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true)
            .AddEnvironmentVariables(EnvironmentPrefix)
            .AddInMemoryCollection(discovered ?? [])
            .AddInMemoryCollection(flags ?? [])
            .Build();

    /// <summary>A section bound onto a fresh <typeparamref name="T"/> (the code's defaults where nothing is set).</summary>
    public static T Bind<T>(IConfiguration configuration, string? section = null)
        where T : new()
    {
        var options = new T();
        (section is null ? configuration : configuration.GetSection(section)).Bind(options);
        return options;
    }

    /// <summary>The environment variable of a setting: <c>Kafka:BootstrapServers</c> is <c>ZESREC_Kafka__BootstrapServers</c>.</summary>
    public static string EnvironmentName(string key) => EnvironmentPrefix + key.Replace(":", "__", StringComparison.Ordinal);

    /// <summary>
    /// The settings in <c>ZESREC_Section__Name=value</c> lines, as the infra/dev scripts print them; other lines are
    /// skipped (the scripts' progress goes to stderr, but a caller may pass both).
    /// </summary>
    public static IReadOnlyDictionary<string, string?> FromEnvironmentLines(string output)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in output.Split('\n').Select(l => l.Trim()))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (line.StartsWith(EnvironmentPrefix, StringComparison.Ordinal) && eq > EnvironmentPrefix.Length)
            {
                settings[line[EnvironmentPrefix.Length..eq].Replace("__", ":", StringComparison.Ordinal)] = line[(eq + 1)..];
            }
        }

        return settings;
    }
}
