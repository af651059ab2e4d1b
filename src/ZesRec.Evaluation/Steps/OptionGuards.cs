using ZesRec.Evaluation.Baselines;

namespace ZesRec.Evaluation.Steps;

/// <summary>Options that make no evaluation: refused before any data is read.</summary>
internal static class OptionGuards
{
    public static IReadOnlyList<BaselineDefinition> Check(EvaluationOptions options)
    {
        var baselines = new List<BaselineDefinition>();
        var unknown = new List<string>();
        foreach (var name in options.Baselines)
        {
            if (BaselineRegistry.TryParse(name, out var baseline))
            {
                baselines.Add(baseline);
            }
            else
            {
                unknown.Add(name);
            }
        }

        if (unknown.Count > 0)
        {
            throw new ArgumentException($"unknown baseline(s) {string.Join(", ", unknown)}; known: {BaselineRegistry.NameList}");
        }

        if (options.Seeds < 1)
        {
            throw new ArgumentException($"seeds must be at least 1, was {options.Seeds}");
        }

        if (options.FirstSeed < 0)
        {
            throw new ArgumentException($"first seed must be 0 or more, was {options.FirstSeed}");
        }

        return baselines;
    }

    /// <summary>
    /// The paper's protocol, then those asked for. --all-positions with --exclude-seen adds the plain
    /// all-positions rows last, so the rows of the other protocols (and Random's draws) stay as they were.
    /// </summary>
    public static IReadOnlyList<EvaluationProtocol> Protocols(EvaluationOptions options)
    {
        var protocols = new List<EvaluationProtocol> { EvaluationProtocol.Paper };
        if (options.ExcludeSeen)
        {
            protocols.Add(new EvaluationProtocol(false, true));
        }

        if (options.AllPositions)
        {
            protocols.Add(new EvaluationProtocol(true, options.ExcludeSeen));
        }

        if (options.AllPositions && options.ExcludeSeen)
        {
            protocols.Add(new EvaluationProtocol(true, false));
        }

        return protocols;
    }
}
