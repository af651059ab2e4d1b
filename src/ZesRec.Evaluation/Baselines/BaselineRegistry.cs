using ZesRec.Evaluation.Oracles;
using ZesRec.Evaluation.Rankers;
using ZesRec.Model;

namespace ZesRec.Evaluation.Baselines;

/// <summary>
/// Every baseline of <c>zesrec evaluate</c>: the rankers (each defined in its own file) and, for every user encoder
/// of <see cref="UserEncoderRegistry"/>, its in-domain oracles over item ids and over text (-meta). A new user
/// encoder brings its oracles with it.
/// </summary>
public static class BaselineRegistry
{
    public static IReadOnlyList<BaselineDefinition> All { get; } =
    [
        RandomRanker.Baseline,
        PopularityRanker.Baseline,
        EmbKnnRanker.Baseline,
        .. UserEncoderRegistry.All.Select(d => Oracle(d, meta: false)),
        .. UserEncoderRegistry.All.Select(d => Oracle(d, meta: true)),
    ];

    public static IReadOnlyList<string> DefaultNames { get; } = [.. All.Where(b => b.IsDefault).Select(b => b.Name)];

    public static string NameList => string.Join(", ", All.Select(b => b.Name));

    public static bool TryParse(string name, out BaselineDefinition baseline)
    {
        baseline = All.FirstOrDefault(b => string.Equals(b.Name, name, StringComparison.OrdinalIgnoreCase))!;
        return baseline is not null;
    }

    private static BaselineDefinition Oracle(Model.Users.UserEncoderDefinition encoder, bool meta)
    {
        var spec = new OracleSpec(encoder.Variant, meta);
        var features = meta ? "item texts" : "item ids";
        return new BaselineDefinition(spec.Key, spec.Name, $"in-domain {encoder.DisplayName} over {features}, trained on the target") { Oracle = spec };
    }
}
