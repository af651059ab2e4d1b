using System.Collections;
using System.Globalization;
using System.Reflection;
using ZesRec.Streaming.Hosting;

namespace ZesRec.Streaming.Tests;

/// <summary>docs/configuration.md names every setting of <see cref="ServeOptions"/> with the code's own default.</summary>
public sealed class ConfigurationReferenceTests
{
    // Defaults that depend on the machine; the reference describes them in words.
    private static readonly Dictionary<string, string> MachineDefaults = new()
    {
        ["Kafka:InstanceId"] = "the host name",
        ["Processing:Threads"] = "the number of cores",
    };

    [Fact]
    public void Reference_should_list_every_setting_with_the_default_in_the_code()
    {
        // Given the reference's table rows, by setting
        var rows = File.ReadAllLines(Path.Combine(RepoPaths.Root, "docs", "configuration.md"))
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .ToDictionary(l => l.Split('`')[1], l => l.Split('|', StringSplitOptions.TrimEntries)[3]);
        var settings = Settings(new ServeOptions(), "").ToList();

        // Then every setting has a row whose default column is the code's default
        foreach (var (key, value) in settings)
        {
            Assert.True(rows.TryGetValue(key, out var documented), $"docs/configuration.md has no row for {key}");
            if (MachineDefaults.TryGetValue(key, out var words))
            {
                Assert.Equal(words, documented);
            }
            else if (value is { Length: > 0 })
            {
                Assert.Equal($"`{value}`", documented);
            }
            else
            {
                Assert.StartsWith("(", documented, StringComparison.Ordinal);
            }
        }

        // And no row names a setting the code does not have
        Assert.Empty(rows.Keys.Except(settings.Select(s => s.Key)));
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
}
