using System.Globalization;

namespace ZesRec.Cli.Commands;

/// <summary>Options in the form <c>--name value</c> or <c>--flag</c>, and positional words.</summary>
public sealed class CommandArgs
{
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public CommandArgs(IEnumerable<string> args)
    {
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var a = list[i];
            if (!a.StartsWith("--", StringComparison.Ordinal))
            {
                Positional.Add(a);
                continue;
            }

            var name = a[2..];
            string value;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            else if (i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = list[++i];
            }
            else
            {
                value = "true";
            }

            if (!_options.TryGetValue(name, out var values))
            {
                _options[name] = values = [];
            }

            values.Add(value);
        }
    }

    public List<string> Positional { get; } = [];

    public bool WantsHelp => _options.ContainsKey("help") || Positional.Contains("-h");

    public string? Get(string name)
    {
        _read.Add(name);
        return _options.TryGetValue(name, out var v) ? v[^1] : null;
    }

    public IReadOnlyList<string> GetAll(string name)
    {
        _read.Add(name);
        return _options.TryGetValue(name, out var v) ? v : [];
    }

    public string Require(string name) =>
        Get(name) ?? throw new UsageException($"missing required option --{name}");

    public string Get(string name, string fallback) => Get(name) ?? fallback;

    public int GetInt(string name, int fallback) => Parse(name, fallback, s => int.Parse(s, CultureInfo.InvariantCulture));

    /// <summary>A whole number of at least <paramref name="min"/>; anything less is a usage error naming the option.</summary>
    public int GetInt(string name, int fallback, int min) =>
        GetInt(name, fallback) is var v && v >= min ? v : throw new UsageException($"--{name} must be at least {min}, got {v}");

    public long GetLong(string name, long fallback) => Parse(name, fallback, s => long.Parse(s, CultureInfo.InvariantCulture));

    /// <summary>A finite number: NaN and infinities are refused here, since no option means anything with them.</summary>
    public double GetDouble(string name, double fallback) => Parse(name, fallback, s =>
        double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture) is var d && double.IsFinite(d) ? d : throw new FormatException());

    public bool GetFlag(string name)
    {
        var v = Get(name);
        return v is not null && v != "false";
    }

    /// <summary>An on/off option: on, off, true or false; <paramref name="fallback"/> when absent.</summary>
    public bool GetSwitch(string name, bool fallback) => Parse(name, fallback, s => s.ToLowerInvariant() switch
    {
        "on" or "true" => true,
        "off" or "false" => false,
        _ => throw new FormatException(),
    });

    /// <summary>Options given on the command line that the verb never asked for: almost always a typo.</summary>
    public IEnumerable<string> Unread() => _options.Keys.Where(k => !_read.Contains(k) && k != "help");

    private static string Describe(Type type) =>
        type == typeof(int) ? $"a whole number between {int.MinValue} and {int.MaxValue}"
        : type == typeof(long) ? "a whole number"
        : type == typeof(double) ? "a finite number"
        : $"a valid {type.Name}";

    private T Parse<T>(string name, T fallback, Func<string, T> parse)
    {
        var v = Get(name);
        if (v is null)
        {
            return fallback;
        }

        try
        {
            return parse(v);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new UsageException($"--{name}: '{v}' is not {Describe(typeof(T))}");
        }
    }
}

/// <summary>A command line the verb cannot run: printed with the verb's help, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
