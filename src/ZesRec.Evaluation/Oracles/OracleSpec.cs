using ZesRec.Model;

namespace ZesRec.Evaluation.Oracles;

/// <summary>An in-domain baseline: a user encoder, with item-id features or with text features (-Meta).</summary>
public sealed record OracleSpec(UserEncoderVariant Variant, bool Meta)
{
    /// <summary>The display name: GRU4Rec, GRU4Rec-Meta, ...</summary>
    public string Name => UserEncoderRegistry.Get(Variant).DisplayName + (Meta ? "-Meta" : "");

    /// <summary>The name in <c>--baselines</c>: gru4rec, gru4rec-meta, ...</summary>
    public string Key => Variant.Name + (Meta ? "-meta" : "");

    public static bool TryParse(string name, out OracleSpec? spec)
    {
        var meta = name.EndsWith("-meta", StringComparison.OrdinalIgnoreCase);
        spec = UserEncoderRegistry.TryParse(meta ? name[..^5] : name, out var encoder) ? new OracleSpec(encoder.Variant, meta) : null;
        return spec is not null;
    }
}
