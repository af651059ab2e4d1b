namespace ZesRec.Data.Events;

/// <summary>
/// The shape JSON Schema's "date-time" format requires (RFC 3339): a full date, a time with seconds and an
/// explicit offset. Utf8JsonReader alone also takes a bare date or a local time, which the schema rejects.
/// </summary>
internal static class Rfc3339
{
    public static bool HasShape(ReadOnlySpan<byte> s)
    {
        if (s.Length < 20
            || !Digits(s, 0, 4) || s[4] != '-' || !Digits(s, 5, 2) || s[7] != '-' || !Digits(s, 8, 2)
            || s[10] != 'T'
            || !Digits(s, 11, 2) || s[13] != ':' || !Digits(s, 14, 2) || s[16] != ':' || !Digits(s, 17, 2))
        {
            return false;
        }

        var i = 19;
        if (s[i] == '.')
        {
            var start = ++i;
            while (i < s.Length && char.IsAsciiDigit((char)s[i]))
            {
                i++;
            }

            if (i == start)
            {
                return false;
            }
        }

        var offset = s[i..];
        return offset is [(byte)'Z']
            || (offset.Length == 6 && offset[0] is (byte)'+' or (byte)'-' && Digits(offset, 1, 2) && offset[3] == ':' && Digits(offset, 4, 2));
    }

    private static bool Digits(ReadOnlySpan<byte> s, int start, int count)
    {
        foreach (var b in s.Slice(start, count))
        {
            if (!char.IsAsciiDigit((char)b))
            {
                return false;
            }
        }

        return true;
    }
}
