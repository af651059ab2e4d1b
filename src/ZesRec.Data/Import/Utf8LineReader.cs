namespace ZesRec.Data.Import;

/// <summary>
/// Splits a byte stream at '\n' (a trailing '\r' is dropped), so that each line can be decoded on its own and a
/// line that is not UTF-8 is reported with its number instead of silently becoming U+FFFD.
/// </summary>
internal sealed class Utf8LineReader(Stream stream)
{
    /// <summary>Longer lines stop the import: no source format has them, and the buffer would grow without bound.</summary>
    public const int MaxLineBytes = 16 << 20;

    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    private byte[] _buffer = new byte[1 << 16];
    private int _start;
    private int _end;
    private bool _eof;
    private bool _first = true;

    /// <summary>The next line without its line break, or false at the end of the stream.</summary>
    public bool Next(out ArraySegment<byte> line)
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                line = Trim(_start, newline);
                _start += newline + 1;
                return true;
            }

            if (_eof)
            {
                if (_start < _end)
                {
                    line = Trim(_start, _end - _start);
                    _start = _end;
                    return true;
                }

                line = default;
                return false;
            }

            Fill();
        }
    }

    private void Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxLineBytes)
            {
                throw new LineTooLongException();
            }

            Array.Resize(ref _buffer, Math.Min(MaxLineBytes, _buffer.Length * 2));
        }

        var n = stream.Read(_buffer, _end, _buffer.Length - _end);
        if (n == 0)
        {
            _eof = true;
        }

        _end += n;
    }

    private ArraySegment<byte> Trim(int start, int length)
    {
        if (_first)
        {
            _first = false;
            if (_buffer.AsSpan(start, length).StartsWith(Bom))
            {
                start += Bom.Length;
                length -= Bom.Length;
            }
        }

        if (length > 0 && _buffer[start + length - 1] == (byte)'\r')
        {
            length--;
        }

        return new ArraySegment<byte>(_buffer, start, length);
    }

    public sealed class LineTooLongException() : Exception($"a line is longer than {MaxLineBytes / (1 << 20)} MiB");
}
