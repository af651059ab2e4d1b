using System.Globalization;
using ZesRec.Streaming.Hosting;

namespace ZesRec.Cli.Commands;

/// <summary>The code's default of a serve setting (<c>Section:Name</c>), for help texts that cannot drift from it.</summary>
internal static class SettingDefaults
{
    private static readonly ServeOptions Defaults = new();

    public static string Of(string key)
    {
        object? value = Defaults;
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
