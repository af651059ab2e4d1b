namespace ZesRec.Model;

/// <summary>The sequential model that turns a user's item vectors into a user vector.</summary>
public enum UserEncoderVariant
{
    Gru4Rec,
    Tcn,
    Hrnn,
}

public static class UserEncoderVariants
{
    public static UserEncoderVariant Parse(string name) => name.ToLowerInvariant() switch
    {
        "gru4rec" or "gru" => UserEncoderVariant.Gru4Rec,
        "tcn" => UserEncoderVariant.Tcn,
        "hrnn" => UserEncoderVariant.Hrnn,
        _ => throw new ArgumentException($"unknown variant '{name}': expected gru4rec, tcn or hrnn"),
    };

    public static string ToName(this UserEncoderVariant variant) => variant.ToString().ToLowerInvariant();
}
