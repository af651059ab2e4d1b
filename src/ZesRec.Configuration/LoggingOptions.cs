namespace ZesRec.Configuration;

/// <summary>
/// Section <c>Logging</c>: how every verb writes its log (librdkafka's included) to standard error. Levels per
/// category are Microsoft.Extensions.Logging's own <c>Logging:LogLevel:CATEGORY</c> settings.
/// </summary>
public sealed class LoggingOptions
{
    /// <summary><c>text</c> (one line per entry, for people) or <c>json</c> (one JSON object per line, for a container's log collector).</summary>
    public string Format { get; set; } = "text";

    /// <summary>
    /// A client's same message (numbers aside) is written at most once per this many seconds; the next one written
    /// says how many similar lines were left out. librdkafka repeats its connection errors many times a second.
    /// </summary>
    public int RepeatSeconds { get; set; } = 10;

    /// <summary>Minimum level by category (<c>Default</c>, <c>Kafka</c>, ...): Trace, Debug, Information, Warning, Error, Critical, None.</summary>
    public Dictionary<string, string> LogLevel { get; set; } = [];
}
