using ZesRec.Model;

namespace ZesRec.Evaluation.Oracles;

/// <summary>An in-domain baseline: a user encoder, with item-id features or with text features (-Meta).</summary>
public sealed record OracleSpec(UserEncoderVariant Variant, bool Meta)
{
    public string Name => Variant switch
    {
        UserEncoderVariant.Gru4Rec => "GRU4Rec",
        UserEncoderVariant.Tcn => "TCN",
        UserEncoderVariant.Hrnn => "HRNN",
        _ => Variant.ToString(),
    } + (Meta ? "-Meta" : "");

    public static bool TryParse(string name, out OracleSpec? spec)
    {
        var meta = name.EndsWith("-meta", StringComparison.OrdinalIgnoreCase);
        var variant = meta ? name[..^5] : name;
        spec = variant.ToLowerInvariant() switch
        {
            "gru4rec" => new OracleSpec(UserEncoderVariant.Gru4Rec, meta),
            "tcn" => new OracleSpec(UserEncoderVariant.Tcn, meta),
            "hrnn" => new OracleSpec(UserEncoderVariant.Hrnn, meta),
            _ => null,
        };
        return spec is not null;
    }
}
