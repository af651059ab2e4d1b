namespace ZesRec.Model.Users;

/// <summary>One entry of <see cref="UserEncoderRegistry"/>.</summary>
/// <param name="Name">Lower-case name: <c>--variant</c>, model cards, <c>--baselines</c> (oracles).</param>
/// <param name="DisplayName">Name in reports: ZESRec-{DisplayName}, the oracles {DisplayName} and {DisplayName}-Meta.</param>
/// <param name="Help">What it is, one line for help texts.</param>
/// <param name="Create">Builds the encoder for a configuration; its parameter names are checkpoint keys.</param>
public sealed record UserEncoderDefinition(string Name, string DisplayName, string Help, Func<ZesRecConfig, UserEncoder> Create)
{
    /// <summary>Other names <c>--variant</c> accepts.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>Splits a user's history into sessions by <see cref="ZesRecConfig.SessionGap"/>.</summary>
    public bool UsesSessions { get; init; }

    public UserEncoderVariant Variant => new(Name);

    public IEnumerable<string> Names => [Name, .. Aliases];
}
