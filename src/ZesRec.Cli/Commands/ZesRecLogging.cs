using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.ML.OnnxRuntime;
using ZesRec.Configuration;
using ZesRec.Streaming.Kafka;

namespace ZesRec.Cli.Commands;

/// <summary>
/// The log of a verb (section <c>Logging</c>): Microsoft.Extensions.Logging to standard error, as text or JSON lines,
/// with librdkafka's and ONNX Runtime's native logs routed into it and their repeats held back. Disposing flushes it.
/// </summary>
internal sealed class ZesRecLogging : IDisposable
{
    private readonly ILoggerFactory factory;

    private ZesRecLogging(ILoggerFactory factory) => this.factory = factory;

    /// <summary>Reads <c>Logging</c> through the one loader; a setting it cannot use is a usage error naming it.</summary>
    public static ZesRecLogging Start(IConfiguration configuration)
    {
        var options = SettingFlags.Bind<LoggingOptions>(configuration, "Logging");
        var json = options.Format.ToLowerInvariant() switch
        {
            "text" => false,
            "json" => true,
            _ => throw new UsageException($"Logging:Format must be text or json, got '{options.Format}'"),
        };
        if (options.RepeatSeconds < 0)
        {
            throw new UsageException($"Logging:RepeatSeconds must be at least 0, got {options.RepeatSeconds}");
        }

        ILoggerFactory factory;
        try
        {
            factory = LoggerFactory.Create(builder => builder
                .AddConfiguration(configuration.GetSection("Logging"))
                .AddConsole(o =>
                {
                    // Standard output carries each verb's results; the log never mixes into it.
                    o.LogToStandardErrorThreshold = LogLevel.Trace;
                    o.FormatterName = json ? ConsoleFormatterNames.Json : ConsoleFormatterNames.Simple;
                })
                .AddSimpleConsole(o =>
                {
                    o.SingleLine = true;
                    o.TimestampFormat = "HH:mm:ss ";
                    o.ColorBehavior = LoggerColorBehavior.Disabled;
                })
                .AddJsonConsole(o =>
                {
                    o.UseUtcTimestamp = true;
                    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                }));

            // Resolves the level filters now, so that a bad Logging:LogLevel value stops the verb before it starts.
            _ = factory.CreateLogger(KafkaLog.Category).IsEnabled(LogLevel.Information);
        }
        catch (InvalidOperationException e)
        {
            throw new UsageException($"Logging:LogLevel: {e.Message}");
        }

        var window = TimeSpan.FromSeconds(options.RepeatSeconds);
        KafkaLog.Use(factory, window);
        RouteOnnxRuntime(factory.CreateLogger("OnnxRuntime"), new LogRepeatFilter(window, TimeProvider.System));
        return new ZesRecLogging(factory);
    }

    public void Dispose()
    {
        KafkaLog.Reset();
        factory.Dispose();
    }

    /// <summary>
    /// ONNX Runtime writes its warnings to standard error unless its environment, created once per process before the
    /// first session, is given a logging function; later verbs of the same process keep the first one's.
    /// </summary>
    private static void RouteOnnxRuntime(ILogger logger, LogRepeatFilter filter)
    {
        if (OrtEnv.IsCreated)
        {
            return;
        }

        var options = new EnvironmentCreationOptions
        {
            logId = "zesrec",
            logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
            loggingFunction = (_, severity, category, _, _, message) =>
            {
                if (filter.Admit(category, message) is { } held)
                {
                    logger.Log(Level(severity), "{Category}: {Message}{Held}", category, message, held == 0 ? "" : $" ({held} similar line(s) suppressed)");
                }
            },
        };
        try
        {
            OrtEnv.CreateInstanceWithOptions(ref options);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or OnnxRuntimeException)
        {
            // Routing is best effort: a runtime that cannot load fails where a verb encodes text, with that error.
        }
    }

    private static LogLevel Level(OrtLoggingLevel severity) => severity switch
    {
        OrtLoggingLevel.ORT_LOGGING_LEVEL_VERBOSE => LogLevel.Trace,
        OrtLoggingLevel.ORT_LOGGING_LEVEL_INFO => LogLevel.Information,
        OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING => LogLevel.Warning,
        OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR => LogLevel.Error,
        _ => LogLevel.Critical,
    };
}
