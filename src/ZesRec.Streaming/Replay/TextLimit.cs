namespace ZesRec.Streaming.Replay;

internal static class TextLimit
{
    /// <summary>
    /// Cuts <paramref name="text"/> to at most <paramref name="maxCodePoints"/> code points (JSON Schema's
    /// maxLength unit), never between the halves of a surrogate pair.
    /// </summary>
    public static bool TryCut(string text, int maxCodePoints, out string cut)
    {
        cut = text;
        // A code point is at least one UTF-16 unit, so short strings need no counting.
        if (text.Length <= maxCodePoints)
        {
            return false;
        }

        var index = 0;
        for (var count = 0; count < maxCodePoints && index < text.Length; count++)
        {
            index += char.IsHighSurrogate(text[index]) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]) ? 2 : 1;
        }

        if (index >= text.Length)
        {
            return false;
        }

        cut = text[..index];
        return true;
    }
}
