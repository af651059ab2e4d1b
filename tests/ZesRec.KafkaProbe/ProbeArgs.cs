using System.Globalization;

namespace ZesRec.KafkaProbe;

/// <summary>`--name value` pairs after the probe's command word.</summary>
internal sealed class ProbeArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public ProbeArgs(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"Expected '--name value' pairs, got '{string.Join(' ', args)}'.");
            }

            _values[args[i][2..]] = args[i + 1];
        }
    }

    public string Text(string name) =>
        _values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required.");

    public int Number(string name, int fallback) =>
        _values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
