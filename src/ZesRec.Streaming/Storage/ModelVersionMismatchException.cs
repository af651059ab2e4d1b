using ZesRec.Streaming.Hosting;

namespace ZesRec.Streaming.Storage;

/// <summary>
/// The store serves another model than the one loaded: its item vectors and user states mean nothing to this model,
/// so the processor stops before consuming (exit code 2) instead of mixing them.
/// </summary>
public sealed class ModelVersionMismatchException(string message, string servingVersion, string modelVersion) : ConfigurationException(message), IStoreRefusal
{
    public string ServingVersion { get; } = servingVersion;

    public string ModelVersion { get; } = modelVersion;

    public static ModelVersionMismatchException For(string schema, string serving, int servingDimension, string model, int modelDimension)
    {
        var how = servingDimension == modelDimension
            ? $"to move the store to it, run 'zesrec upgrade --model DIR' with this model's folder (docs/operations.md, \"Upgrade a model\")"
            : $"its embedding dimension is {modelDimension}, the store's {servingDimension}, so it cannot be upgraded in place: serve it with its own store and consumer group (--pg-schema NEW --group NEW), as docs/operations.md \"Upgrade a model\" describes";
        return new ModelVersionMismatchException(
            $"the store in schema '{schema}' is served by model {serving}, not by model {model} loaded from --model; {how}.",
            serving,
            model);
    }
}
