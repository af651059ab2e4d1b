namespace ZesRec.Adaptation.Bench;

/// <summary>--name value pairs; everything after a lone -- is passed to zesrec adapt as it is.</summary>
internal sealed class Args
{
    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Rest { get; private init; } = [];

    public static Args Parse(string[] args)
    {
        var split = Array.IndexOf(args, "--");
        var own = split < 0 ? args : args[..split];
        var parsed = new Args { Rest = split < 0 ? [] : args[(split + 1)..] };
        for (var i = 0; i + 1 < own.Length; i += 2)
        {
            parsed.values[own[i].TrimStart('-')] = own[i + 1];
        }

        return parsed;
    }

    public string? Find(string name) => values.GetValueOrDefault(name);

    public string Get(string name) => Find(name) ?? throw new ArgumentException($"missing --{name}");
}
