using System.Text.Json;
using System.Text.Json.Serialization;

namespace ZesRec.Model;

/// <summary>
/// The name of a user encoder in <see cref="UserEncoderRegistry"/>: what <c>--variant</c>, model cards and the
/// oracles carry. Only the registry makes one, so every value names a registered encoder.
/// </summary>
[JsonConverter(typeof(UserEncoderVariantJsonConverter))]
public sealed record UserEncoderVariant
{
    internal UserEncoderVariant(string name) => Name = name;

    /// <summary>The registry name, lower case (gru4rec, tcn, hrnn).</summary>
    public string Name { get; }

    /// <summary>A registered name or alias, in any case.</summary>
    /// <exception cref="ArgumentException">no user encoder has that name.</exception>
    public static UserEncoderVariant Parse(string name) => UserEncoderRegistry.Parse(name).Variant;

    public string ToName() => Name;

    public override string ToString() => Name;
}

/// <summary>
/// A card stores the variant as a string. Cards written while the variant was an enum hold "gru4Rec", "tcn" or
/// "hrnn", which the registry reads case-insensitively, so they still load.
/// </summary>
internal sealed class UserEncoderVariantJsonConverter : JsonConverter<UserEncoderVariant>
{
    public override UserEncoderVariant Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var name = reader.GetString() ?? throw new JsonException("the user encoder variant is null");
        return UserEncoderRegistry.TryParse(name, out var definition)
            ? definition.Variant
            : throw new JsonException($"unknown user encoder variant '{name}': this build knows {UserEncoderRegistry.NameList}");
    }

    public override void Write(Utf8JsonWriter writer, UserEncoderVariant value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Name);
}
