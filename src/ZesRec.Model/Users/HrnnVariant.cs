namespace ZesRec.Model.Users;

/// <summary>HRNN's registry entry and default session gap (one day, in seconds).</summary>
public static class HrnnVariant
{
    public const long DefaultSessionGap = 86_400;

    public static UserEncoderDefinition Definition { get; } = new(
        "hrnn",
        "HRNN",
        "a session GRU over items and a user GRU over sessions (--session-gap)",
        config => new HrnnEncoder(config.Dim, config.SessionGap))
    {
        UsesSessions = true,
    };
}
