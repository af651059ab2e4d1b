using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ZesRec.Streaming.Kafka;

/// <summary>
/// librdkafka's log of every consumer, producer and admin client the project builds (each builder sets
/// <see cref="Handle"/>), through Microsoft.Extensions.Logging at librdkafka's own level, a client's repeats held
/// back by a <see cref="LogRepeatFilter"/>. Without <see cref="Use"/> (a library caller, a test) the messages
/// go to standard error as one line each, with the same repeat filter.
/// </summary>
public static class KafkaLog
{
    /// <summary>The logger category, for <c>Logging:LogLevel:Kafka</c>.</summary>
    public const string Category = "Kafka";

    public static readonly TimeSpan DefaultRepeatWindow = TimeSpan.FromSeconds(10);

    private static volatile Sink _sink = StandardError();

    /// <summary>Routes every client's log, from now on, to <paramref name="factory"/>'s <see cref="Category"/> logger.</summary>
    public static void Use(ILoggerFactory factory, TimeSpan repeatWindow, TimeProvider? clock = null) =>
        _sink = new Sink(factory.CreateLogger(Category), new LogRepeatFilter(repeatWindow, clock ?? TimeProvider.System), ToStandardError: false);

    /// <summary>Back to standard error (the logger factory given to <see cref="Use"/> is being disposed).</summary>
    public static void Reset() => _sink = StandardError();

    /// <summary>The log handler of every builder: <c>builder.SetLogHandler(KafkaLog.Handle)</c>.</summary>
    public static void Handle(IClient client, LogMessage message)
    {
        var sink = _sink;
        var level = (LogLevel)message.LevelAs(LogLevelType.MicrosoftExtensionsLogging);
        if (!sink.ToStandardError && !sink.Logger.IsEnabled(level))
        {
            return;
        }

        if (sink.Filter.Admit(message.Name, message.Message) is not { } held)
        {
            return;
        }

        var text = held == 0 ? message.Message : $"{message.Message} ({held} similar line(s) suppressed)";
        if (sink.ToStandardError)
        {
            Console.Error.WriteLine($"{level}: {Category} {message.Name} [{message.Facility}]: {text}");
        }
        else
        {
            sink.Logger.Log(level, "{Client} [{Facility}]: {Message}", message.Name, message.Facility, text);
        }
    }

    private static Sink StandardError() => new(NullLogger.Instance, new LogRepeatFilter(DefaultRepeatWindow, TimeProvider.System), ToStandardError: true);

    private sealed record Sink(ILogger Logger, LogRepeatFilter Filter, bool ToStandardError);
}
