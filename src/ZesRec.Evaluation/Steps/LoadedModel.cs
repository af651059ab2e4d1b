using ZesRec.Model;

namespace ZesRec.Evaluation.Steps;

/// <summary>A zero-shot model under evaluation: its folder, weights and card.</summary>
internal sealed record LoadedModel(string Dir, ZesRecModel Model, ModelCard Card)
{
    /// <summary>The run name in the tables: the model folder's name.</summary>
    public string Run => Path.GetFileName(Path.TrimEndingDirectorySeparator(Dir));
}
