using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using ZesRec.Cli.Commands;
using ZesRec.Configuration;
using ZesRec.Streaming.Hosting;

namespace ZesRec.Cli.Tests;

/// <summary>
/// docs/configuration.md names every setting of every verb with the code's own default, and every flag the help
/// texts print next to the setting it sets.
/// </summary>
public sealed partial class ConfigurationReferenceTests
{
    // Defaults that depend on the machine; the reference describes them in words.
    private static readonly Dictionary<string, string> MachineDefaults = new()
    {
        ["Kafka:InstanceId"] = "the host name",
        ["Processing:Threads"] = "the number of cores",
    };

    private static readonly Dictionary<string, Row> Rows = File.ReadAllLines(Path.Combine(RepoPaths.Root, "docs", "configuration.md"))
        .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
        .Select(l => l.Split('|', StringSplitOptions.TrimEntries))
        .Where(c => !c[1].StartsWith("`ZESREC_", StringComparison.Ordinal)) // the table of the scripts' variables
        .ToDictionary(c => c[1].Split('`')[1], c => new Row(c[2], c[3]));

    public static TheoryData<string> Verbs => new() { "serve", "replay", "demo" };

    [Fact]
    public void Reference_should_list_every_setting_with_the_default_in_the_code()
    {
        // Given every setting of the options the verbs bind
        var settings = Settings(new ServeOptions(), "")
            .Concat(Settings(new DemoOptions(), "Demo:"))
            .Concat(Settings(new LoggingOptions(), "Logging:"))
            .ToList();

        // Then every setting has a row whose default column is the code's default
        foreach (var (key, value) in settings)
        {
            Assert.True(Rows.TryGetValue(key, out var row), $"docs/configuration.md has no row for {key}");
            if (MachineDefaults.TryGetValue(key, out var words))
            {
                Assert.Equal(words, row.Default);
            }
            else if (value is { Length: > 0 })
            {
                Assert.Equal($"`{value}`", row.Default);
            }
            else
            {
                Assert.StartsWith("(", row.Default, StringComparison.Ordinal);
            }
        }

        // And no row names a setting the code does not have
        Assert.Empty(Rows.Keys.Except(settings.Select(s => s.Key)));
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public void Every_flag_in_a_verbs_help_should_be_documented_beside_its_setting(string verb)
    {
        // Given the verb's help lines of the form --flag ARG  text (Key, default: value)
        var help = Cli.Run(verb, "--help").Out;
        var flags = FlagLine().Matches(help).Select(m => (Flag: m.Groups[1].Value, Key: m.Groups[2].Value)).ToList();
        Assert.NotEmpty(flags);

        // Then the setting's row names the flag
        foreach (var (flag, key) in flags)
        {
            Assert.True(Rows.TryGetValue(key, out var row), $"docs/configuration.md has no row for {key} (zesrec {verb} --{flag})");
            Assert.Contains($"`--{flag}`", row.Flag, StringComparison.Ordinal);
        }
    }

    /// <summary>Each leaf setting as Section:Name with its default's text (empty for none or an empty collection).</summary>
    private static IEnumerable<(string Key, string Value)> Settings(object options, string prefix)
    {
        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var value = property.GetValue(options);
            var key = prefix + property.Name;
            if (value is null or string or IDictionary || value.GetType().IsPrimitive || value.GetType().IsEnum)
            {
                yield return (key, value is IDictionary ? "" : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
            }
            else
            {
                foreach (var nested in Settings(value, key + ":"))
                {
                    yield return nested;
                }
            }
        }
    }

    [GeneratedRegex(@"^\s+--([a-z-]+)\b.*\(([A-Za-z:]+), default: .*\)\s*$", RegexOptions.Multiline)]
    private static partial Regex FlagLine();

    private sealed record Row(string Flag, string Default);
}
