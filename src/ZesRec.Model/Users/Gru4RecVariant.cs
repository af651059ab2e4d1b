namespace ZesRec.Model.Users;

/// <summary>GRU4Rec's registry entry; it has no settings of its own (D comes from <see cref="ZesRecConfig.Dim"/>).</summary>
public static class Gru4RecVariant
{
    public static UserEncoderDefinition Definition { get; } = new(
        "gru4rec",
        "GRU4Rec",
        "one GRU over the item vectors; its hidden state is the user vector",
        config => new Gru4RecEncoder(config.Dim))
    {
        Aliases = ["gru"],
    };
}
