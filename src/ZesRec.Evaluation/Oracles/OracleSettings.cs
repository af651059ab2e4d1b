using System.Globalization;

namespace ZesRec.Evaluation.Oracles;

/// <summary>
/// Fixed D and learning rate per oracle (<c>--oracle-settings tcn=128:1,gru4rec=300:1</c>), e.g. the picks of an
/// earlier <c>--grid</c> run applied to more seeds or to the incremental budgets without searching again.
/// </summary>
public static class OracleSettings
{
    /// <summary>Parses <c>NAME=D:LR</c> pairs separated by commas; names are oracle names (case-insensitive).</summary>
    /// <exception cref="FormatException">an entry is not NAME=D:LR, names no oracle, repeats one or has a value out of range.</exception>
    public static IReadOnlyDictionary<string, (int Dim, double LearningRate)> Parse(string? value)
    {
        var settings = new Dictionary<string, (int, double)>(StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrWhiteSpace(value))
        {
            return settings;
        }

        foreach (var entry in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var nameAndValues = entry.Split('=');
            var values = nameAndValues.Length == 2 ? nameAndValues[1].Split(':') : [];
            if (values.Length != 2)
            {
                throw new FormatException($"--oracle-settings entry '{entry}' is not NAME=D:LR (e.g. tcn=128:1)");
            }

            if (!OracleSpec.TryParse(nameAndValues[0].Trim(), out var spec))
            {
                throw new FormatException($"--oracle-settings entry '{entry}': '{nameAndValues[0]}' is no oracle ({string.Join(", ", Baselines.BaselineRegistry.All.Where(b => b.Oracle is not null).Select(b => b.Name))})");
            }

            if (!int.TryParse(values[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var dim) || dim < 1)
            {
                throw new FormatException($"--oracle-settings entry '{entry}': D '{values[0]}' is not a positive integer");
            }

            if (!double.TryParse(values[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var lr) || !(lr > 0) || double.IsInfinity(lr))
            {
                throw new FormatException($"--oracle-settings entry '{entry}': learning rate '{values[1]}' is not a positive number");
            }

            if (!settings.TryAdd(spec!.Name, (dim, lr)))
            {
                throw new FormatException($"--oracle-settings names {spec.Name} twice");
            }
        }

        return settings;
    }
}
