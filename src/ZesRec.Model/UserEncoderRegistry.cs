using ZesRec.Model.Users;

namespace ZesRec.Model;

/// <summary>
/// Every user encoder, in the manner of RecBole's model registry: each variant's file (Users/*Variant.cs) holds
/// its name, display name, help, factory and defaults; adding a variant means writing that file and listing it here.
/// The model, <c>zesrec train</c>, the oracles of <c>zesrec evaluate</c> and the help texts all ask this registry.
/// </summary>
public static class UserEncoderRegistry
{
    public static IReadOnlyList<UserEncoderDefinition> All { get; } =
    [
        Gru4RecVariant.Definition,
        TcnVariant.Definition,
        HrnnVariant.Definition,
    ];

    /// <summary>The names for messages: "gru4rec, tcn or hrnn".</summary>
    public static string NameList => string.Join(", ", All.Take(All.Count - 1).Select(d => d.Name)) + " or " + All[^1].Name;

    public static UserEncoderDefinition Get(UserEncoderVariant variant) =>
        All.FirstOrDefault(d => d.Name == variant.Name) ?? throw new ArgumentException($"user encoder '{variant.Name}' is not registered");

    public static bool TryParse(string name, out UserEncoderDefinition definition)
    {
        definition = All.FirstOrDefault(d => d.Names.Contains(name, StringComparer.OrdinalIgnoreCase))!;
        return definition is not null;
    }

    /// <exception cref="ArgumentException">no user encoder has that name or alias.</exception>
    public static UserEncoderDefinition Parse(string name) =>
        TryParse(name, out var definition) ? definition : throw new ArgumentException($"unknown variant '{name}': expected {NameList}");
}
