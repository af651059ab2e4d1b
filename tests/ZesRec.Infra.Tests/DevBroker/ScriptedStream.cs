namespace ZesRec.Infra.Tests.DevBroker;

/// <summary>
/// One side of a connection whose peer's bytes are known in advance: reads come from <paramref name="incoming"/>,
/// writes are kept in <see cref="Written"/>. Enough for the SASL gate, which answers each request before reading on.
/// </summary>
internal sealed class ScriptedStream(byte[] incoming) : Stream
{
    private readonly MemoryStream _incoming = new(incoming);

    public MemoryStream Written { get; } = new();

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => _incoming.Read(buffer, offset, count);

    public override void Write(byte[] buffer, int offset, int count) => Written.Write(buffer, offset, count);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _incoming.Dispose();
            Written.Dispose();
        }

        base.Dispose(disposing);
    }
}
