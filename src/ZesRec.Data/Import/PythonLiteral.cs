using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ZesRec.Data.Import;

/// <summary>
/// Reads one Python literal (dict, list, tuple, str, int, float, True, False, None), as the Amazon 2014 metadata
/// files hold them (written with Python's repr, so strings use single quotes), into JSON nodes. Anything else is a
/// <see cref="JsonException"/>, which the importer reports as a rejected line.
/// </summary>
public sealed class PythonLiteral
{
    // Real metadata nests three deep; a bound keeps a hostile line from exhausting the stack.
    private const int MaxDepth = 64;

    private readonly string _text;
    private int _at;
    private int _depth;

    private PythonLiteral(string text) => _text = text;

    public static JsonNode? Parse(string text)
    {
        var parser = new PythonLiteral(text);
        var value = parser.Value();
        parser.SkipSpace();
        return parser._at == text.Length ? value : throw parser.Error("text after the value");
    }

    private JsonNode? Value()
    {
        SkipSpace();
        if (_at >= _text.Length)
        {
            throw Error("unexpected end");
        }

        if (++_depth > MaxDepth)
        {
            throw Error($"nested deeper than {MaxDepth}");
        }

        var c = _text[_at];
        var value = c switch
        {
            '{' => Dict(),
            '[' => List(']'),
            '(' => List(')'),
            '\'' or '"' => JsonValue.Create(Str()),
            _ when c == '-' || c == '+' || char.IsAsciiDigit(c) => Number(),
            _ => Word(),
        };
        _depth--;
        return value;
    }

    private JsonObject Dict()
    {
        var dict = new JsonObject();
        _at++;
        while (true)
        {
            SkipSpace();
            if (Take('}'))
            {
                return dict;
            }

            if (Value() is not JsonValue key || !key.TryGetValue(out string? name))
            {
                throw Error("a dict key that is not a string");
            }

            SkipSpace();
            Expect(':');
            dict[name] = Value();
            SkipSpace();
            if (!Take(','))
            {
                SkipSpace();
                Expect('}');
                return dict;
            }
        }
    }

    private JsonArray List(char close)
    {
        var list = new JsonArray();
        _at++;
        while (true)
        {
            SkipSpace();
            if (Take(close))
            {
                return list;
            }

            list.Add(Value());
            SkipSpace();
            if (!Take(','))
            {
                SkipSpace();
                Expect(close);
                return list;
            }
        }
    }

    private string Str()
    {
        var quote = _text[_at++];
        var s = new StringBuilder();
        while (_at < _text.Length && _text[_at] != quote)
        {
            var c = _text[_at++];
            if (c != '\\')
            {
                s.Append(c);
                continue;
            }

            if (_at >= _text.Length)
            {
                break;
            }

            var e = _text[_at++];
            switch (e)
            {
                case 'n': s.Append('\n'); break;
                case 't': s.Append('\t'); break;
                case 'r': s.Append('\r'); break;
                case '0': s.Append('\0'); break;
                case 'x': s.Append((char)Hex(2)); break;
                case 'u': s.Append((char)Hex(4)); break;
                case 'U': s.Append(Hex(8) is var u && u is < 0xD800 or (> 0xDFFF and <= 0x10FFFF) ? char.ConvertFromUtf32(u) : throw Error("a \\U escape that is not a character")); break;
                default: s.Append(e); break; // \\ \' \" and unknown escapes stand for the character itself
            }
        }

        if (!Take(quote))
        {
            throw Error("unterminated string");
        }

        return s.ToString();
    }

    private int Hex(int digits)
    {
        if (_at + digits > _text.Length || !int.TryParse(_text.AsSpan(_at, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v) || v > 0x10FFFF)
        {
            throw Error("a bad \\x, \\u or \\U escape");
        }

        _at += digits;
        return v;
    }

    private JsonValue Number()
    {
        var start = _at;
        while (_at < _text.Length && (char.IsAsciiDigit(_text[_at]) || _text[_at] is '-' or '+' or '.' or 'e' or 'E'))
        {
            _at++;
        }

        var token = _text.AsSpan(start, _at - start);
        return long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? JsonValue.Create(l)
            : double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? JsonValue.Create(d)
            : throw Error($"'{token}' is not a number");
    }

    private JsonNode? Word()
    {
        foreach (var (word, value) in new (string, JsonNode?)[] { ("True", JsonValue.Create(true)), ("False", JsonValue.Create(false)), ("None", null) })
        {
            if (string.CompareOrdinal(_text, _at, word, 0, word.Length) == 0)
            {
                _at += word.Length;
                return value;
            }
        }

        throw Error($"unexpected '{_text[_at]}'");
    }

    private void SkipSpace()
    {
        while (_at < _text.Length && char.IsWhiteSpace(_text[_at]))
        {
            _at++;
        }
    }

    private bool Take(char c)
    {
        if (_at < _text.Length && _text[_at] == c)
        {
            _at++;
            return true;
        }

        return false;
    }

    private void Expect(char c)
    {
        if (!Take(c))
        {
            throw Error($"expected '{c}'");
        }
    }

    private JsonException Error(string what) => new($"not a Python literal: {what} at character {_at + 1}");
}
