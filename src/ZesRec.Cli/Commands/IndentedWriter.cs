namespace ZesRec.Cli.Commands;

/// <summary>Indents each line under the demo's stage heading.</summary>
internal sealed class IndentedWriter(TextWriter inner) : TextWriter
{
    public override System.Text.Encoding Encoding => inner.Encoding;

    public override void WriteLine(string? value) => inner.WriteLine("    " + value);

    public override void Write(char value) => inner.Write(value);
}
