using System.Text.Json;
using System.Text.Json.Serialization;
using ZesRec.Model.Training;

namespace ZesRec.Model;

/// <summary>What a checkpoint is: enough to rebuild the model and to tell where its numbers came from.</summary>
public sealed record ModelCard
{
    public const string FileName = "model-card.json";

    public required string ModelVersion { get; init; }

    public required ZesRecConfig Config { get; init; }

    public required string TextEncoder { get; init; }

    /// <summary>How to recreate the encoder: "minilm" or a BERT folder path (see TextEncoders.Create).</summary>
    public string TextEncoderSpec { get; init; } = "minilm";

    public required int TextDim { get; init; }

    public required string SourceDataset { get; init; }

    public required string DataFingerprint { get; init; }

    public required int SourceItems { get; init; }

    public required int TrainUsers { get; init; }

    public required int ValidationUsers { get; init; }

    public required int BestEpoch { get; init; }

    public required double BestValidationLoss { get; init; }

    public required double TrainingSeconds { get; init; }

    public required string Device { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public IReadOnlyList<EpochReport> Epochs { get; init; } = [];

    /// <summary>For a model made by <c>zesrec adapt</c>: the model version it was fine-tuned from; null for a trained one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AdaptedFrom { get; init; }

    /// <summary>For a model made by <c>zesrec adapt</c>: the target interactions it was fine-tuned on.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? AdaptedInteractions { get; init; }

    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public void Save(string dir) => File.WriteAllText(Path.Combine(dir, FileName), JsonSerializer.Serialize(this, JsonOptions));

    public static ModelCard Load(string dir)
    {
        var path = Path.Combine(dir, FileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} not found: '{dir}' is not a model folder written by 'zesrec train'", path);
        }

        return JsonSerializer.Deserialize<ModelCard>(File.ReadAllText(path), JsonOptions)
               ?? throw new InvalidDataException($"{path} is empty");
    }
}
