using Microsoft.Extensions.Configuration;
using ZesRec.Configuration;

namespace ZesRec.Cli.Commands;

/// <summary>
/// The flags of a verb that set a configuration key (<c>--bootstrap</c> is <c>Kafka:BootstrapServers</c>), so that a
/// flag, a ZESREC_ variable and appsettings.json name one setting, and the help prints the setting's own default.
/// </summary>
internal sealed class SettingFlags(params SettingFlag[] flags)
{
    public IReadOnlyList<SettingFlag> All => flags;

    /// <summary>The flags given, as configuration keys; with <c>--kafka-property</c>'s when <paramref name="kafkaProperties"/>.</summary>
    public List<KeyValuePair<string, string?>> Overrides(CommandArgs args, bool kafkaProperties = false)
    {
        var overrides = flags
            .Select(f => (f.Key, Value: args.Get(f.Flag)))
            .Where(f => f.Value is not null)
            .Select(f => new KeyValuePair<string, string?>(f.Key, f.Value))
            .ToList();
        return kafkaProperties ? [.. overrides, .. KafkaPropertyFlags.Overrides(args)] : overrides;
    }

    /// <summary>The verb's configuration: appsettings.json, ZESREC_ variables, then these flags.</summary>
    public IConfigurationRoot Load(CommandArgs args, bool kafkaProperties = false, IEnumerable<KeyValuePair<string, string?>>? discovered = null) =>
        ZesRecConfiguration.Build(Overrides(args, kafkaProperties), discovered);

    /// <summary>
    /// Binds <typeparamref name="T"/> (from <paramref name="section"/>); a value the binder cannot convert is a usage
    /// error, since its message names the key and the value.
    /// </summary>
    public static T Bind<T>(IConfiguration configuration, string? section = null)
        where T : new()
    {
        try
        {
            return ZesRecConfiguration.Bind<T>(configuration, section);
        }
        catch (InvalidOperationException e)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>One line per flag: <c>--flag ARG  text (Key, default: value)</c>, the default read from <paramref name="defaults"/>.</summary>
    public string Help(object defaults, string? keyPrefixOfDefaults = null) => string.Join("\n", flags.Select(f =>
    {
        var key = keyPrefixOfDefaults is null ? f.Key : f.Key[(keyPrefixOfDefaults.Length + 1)..];
        var head = $"--{f.Flag}{(f.Argument is null ? "" : " " + f.Argument)}";
        return $"  {head,-27} {f.Text}{(f.Text.Length > 0 ? " " : "")}({f.Key}, default: {SettingDefaults.Of(defaults, key)})";
    }));
}

/// <param name="Flag">The flag's name without the dashes.</param>
/// <param name="Key">The configuration key it sets.</param>
/// <param name="Argument">What the flag takes (<c>DIR</c>, <c>N</c>); null for an on/off flag.</param>
/// <param name="Text">What it does, for the help; may be empty where the key says it.</param>
internal sealed record SettingFlag(string Flag, string Key, string? Argument, string Text = "");
