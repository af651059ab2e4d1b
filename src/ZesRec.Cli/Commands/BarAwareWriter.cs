namespace ZesRec.Cli.Commands;

/// <summary>Clears the progress line before a log line, so the two do not interleave.</summary>
internal sealed class BarAwareWriter(ProgressBar bar, TextWriter inner) : TextWriter
{
    public override System.Text.Encoding Encoding => inner.Encoding;

    public override void WriteLine(string? value)
    {
        bar.Done();
        inner.WriteLine(value);
    }

    public override void Write(char value) => inner.Write(value);
}
