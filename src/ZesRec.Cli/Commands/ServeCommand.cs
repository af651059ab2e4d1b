using ZesRec.Model;
using ZesRec.Streaming.Hosting;
using ZesRec.Streaming.Kafka;

namespace ZesRec.Cli.Commands;

/// <summary><c>zesrec serve</c>: the streaming processor.</summary>
public sealed class ServeCommand : ICommand
{
    public string Name => "serve";

    public string Summary => "Run the streaming processor: Kafka items + interactions in, recommendations out.";

    public string Help => $"""
        Usage: zesrec serve --model DIR [options]

        Reads item-created and interaction events from Kafka, stores item vectors in PostgreSQL/pgvector, advances
        each user's state and publishes ranked recommendations. Settings come from appsettings.json, then
        environment variables prefixed ZESREC_ (e.g. ZESREC_Kafka__BootstrapServers), then these flags (every setting,
        its default and why: docs/configuration.md):
        {ServeConfiguration.FlagHelp}
          --print-config   print the settings as loaded (JSON, secrets masked) and exit

        Endpoints on the metrics port: /metrics (Prometheus), /healthz, /ready. Stop with Ctrl+C.
        """;

    public async Task<int> RunAsync(CommandArgs args, CancellationToken cancellationToken)
    {
        var options = ServeConfiguration.Load(args);
        var printConfig = args.GetFlag("print-config");
        CommandChecks.RejectUnknownOptions(args);
        if (printConfig)
        {
            Console.WriteLine(ConfigDump.Render(options));
            return 0;
        }

        if (string.IsNullOrWhiteSpace(options.ModelDir))
        {
            throw new UsageException("missing required option --model (or ModelDir in appsettings.json, or ZESREC_ModelDir)");
        }

        CommandChecks.RequireModelFolders([options.ModelDir], "model");
        while (true)
        {
            var code = await ServeOnceAsync(options, cancellationToken);
            if (code is not { } exit)
            {
                // The folder now holds the model an upgrade switched the store to (zesrec adapt repoints a link).
                continue;
            }

            return exit;
        }
    }

    /// <summary>Runs a processor of the model in --model; null when it stopped for an upgrade to the model that --model now holds.</summary>
    private static async Task<int?> ServeOnceAsync(ServeOptions options, CancellationToken cancellationToken)
    {
        StreamingProcessor processor;
        try
        {
            processor = StreamingProcessor.Create(options, Console.Out);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }

        await using (processor)
        {
            Console.WriteLine($"zesrec serve: model {processor.Card.ModelVersion} ({processor.Card.Config.Variant}), metrics on http://{options.Metrics.Host}:{processor.MetricsPort}/metrics");
            var client = options.Kafka.ToSettings().Properties;
            Console.WriteLine($"zesrec serve: Kafka {options.Kafka.BootstrapServers}{(client.IsEmpty ? "" : $" with {KafkaClientProperties.Describe(client)}")}");
            try
            {
                await processor.RunAsync(cancellationToken);
            }
            catch (Streaming.Storage.ModelVersionMismatchException e)
            {
                if (!cancellationToken.IsCancellationRequested && e.ServingVersion != processor.Card.ModelVersion && Follows(options.ModelDir, e.ServingVersion))
                {
                    Console.WriteLine($"zesrec serve: model {e.ServingVersion} now serves the store and {options.ModelDir} holds it: restarting with it");
                    return null;
                }

                // Not a setting to fix but a model to upgrade to: the usage code, so scripts can tell it apart.
                await Console.Error.WriteLineAsync($"zesrec serve: {e.Message}");
                return ExitCodes.Usage;
            }
            catch (ConfigurationException e)
            {
                await Console.Error.WriteLineAsync($"zesrec serve: {e.Message}");
                return 1;
            }
        }

        return 0;
    }

    private static bool Follows(string modelDir, string servingVersion)
    {
        try
        {
            return ModelCard.Load(modelDir).ModelVersion == servingVersion;
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
