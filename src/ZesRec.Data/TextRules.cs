using System.Globalization;

namespace ZesRec.Data;

/// <summary>
/// What ids and item texts may contain, so that everything a dataset holds can be stored (PostgreSQL refuses
/// U+0000), encoded as UTF-8 (an unpaired surrogate cannot be) and published. Ids hold no control characters at
/// all; texts may hold tab, line feed and carriage return, and no other C0 control character or DEL.
/// </summary>
public static class TextRules
{
    /// <summary>Why <paramref name="id"/> cannot be an id, or null when it can.</summary>
    public static string? IdProblem(string id) => Problem(id, allowWhitespaceControls: false);

    /// <summary>Why <paramref name="text"/> cannot be an item text, or null when it can.</summary>
    public static string? TextProblem(string text) => Problem(text, allowWhitespaceControls: true);

    private static string? Problem(string value, bool allowWhitespaceControls)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                return string.Create(CultureInfo.InvariantCulture, $"an unpaired surrogate U+{(int)c:X4} at character {i + 1}");
            }

            var forbidden = allowWhitespaceControls
                ? (c < ' ' && c is not '\t' and not '\n' and not '\r') || c == '\u007F'
                : char.IsControl(c);
            if (forbidden)
            {
                return string.Create(CultureInfo.InvariantCulture, $"control character U+{(int)c:X4} at character {i + 1}");
            }
        }

        return null;
    }
}
