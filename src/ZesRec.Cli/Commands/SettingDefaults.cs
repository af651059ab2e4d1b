using System.Globalization;

namespace ZesRec.Cli.Commands;

/// <summary>The code's default of a setting (<c>Section:Name</c>), for help texts that cannot drift from it.</summary>
internal static class SettingDefaults
{
    /// <param name="defaults">A freshly made options object (its property initialisers are the defaults).</param>
    public static string Of(object defaults, string key)
    {
        object? value = defaults;
        foreach (var part in key.Split(':'))
        {
            value = value?.GetType().GetProperty(part)?.GetValue(value);
        }

        return value switch
        {
            null or "" => "none",
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "none",
        };
    }
}
