namespace ZesRec.Data.Events;

/// <summary>
/// What <see cref="EventParser"/> accepts. The defaults are the limits written in schemas/events/*.v1.json;
/// raising one here without changing the schema lets through events that other consumers reject.
/// </summary>
public sealed class EventLimits
{
    public int MaxIdLength { get; set; } = 256;

    /// <summary>In Unicode code points, as JSON Schema's maxLength counts.</summary>
    public int MaxTextLength { get; set; } = 8192;

    /// <summary>Checked before parsing, so a huge message costs no parse time.</summary>
    public int MaxPayloadBytes { get; set; } = 65536;

    /// <summary>How far ahead of this machine's clock a timestamp may be; producers' clocks drift a little.</summary>
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);

    public int SupportedVersion { get; set; } = 1;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxIdLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTextLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPayloadBytes, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFutureSkew, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(SupportedVersion, 1);
    }
}
