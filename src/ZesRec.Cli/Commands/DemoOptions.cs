using ZesRec.Model;
using ZesRec.Model.Training;

namespace ZesRec.Cli.Commands;

/// <summary>
/// The settings of <c>zesrec demo</c> (section <c>Demo</c>: <c>ZESREC_Demo__Epochs</c>, or <c>--epochs</c>). Its
/// Kafka and PostgreSQL settings are the ones the local stack prints; its topics and schema are its own.
/// </summary>
public sealed class DemoOptions
{
    /// <summary>The folder of the shared datasets; none: $ZESREC_DATA_ROOT (which ./zesrec sets), else ../shared/data.</summary>
    public string DataRoot { get; set; } = "";

    /// <summary>Source dataset folder under the data root, RecBole format.</summary>
    public string Source { get; set; } = "amazon2018-scientific";

    /// <summary>Target dataset folder under the data root, ReChorus format; never seen in training.</summary>
    public string Target { get; set; } = "amazon2014-office";

    /// <summary>The transfer preset's variant (tcn): zero-shot within noise of the others, the cheapest states to store (docs/results.md).</summary>
    public string Variant { get; set; } = ZesRecPresets.Transfer.Variant.ToName();

    /// <summary>Training epochs of a new model; the paper trains up to 20, 3 keeps the demo within minutes.</summary>
    public int Epochs { get; set; } = 3;

    public bool Retrain { get; set; }

    /// <summary>Replayed interactions per second; 0 as fast as the processor takes them.</summary>
    public int Rate { get; set; }

    /// <summary>Replay only this many of the earliest target interactions; 0 all.</summary>
    public int Limit { get; set; }

    /// <summary>The data root as given, else $ZESREC_DATA_ROOT, else ../shared/data.</summary>
    public string ResolvedDataRoot => DataRoot is { Length: > 0 } ? DataRoot
        : Environment.GetEnvironmentVariable("ZESREC_DATA_ROOT") is { Length: > 0 } shared ? shared
        : Path.Combine("..", "shared", "data");

    public UserEncoderVariant ParsedVariant => CommandChecks.Variant(Variant);

    public void Validate()
    {
        Require(Epochs >= 1, $"--epochs must be at least 1, got {Epochs}");
        Require(Rate >= 0, $"--rate must be at least 0, got {Rate}");
        Require(Limit >= 0, $"--limit must be at least 0, got {Limit}");
        _ = ParsedVariant;
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new UsageException(message);
        }
    }
}
