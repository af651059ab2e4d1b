using TorchSharp;
using ZesRec.Data;
using static TorchSharp.torch;

namespace ZesRec.Model;

/// <summary>A model folder: TorchSharp weights plus the JSON model card needed to rebuild the module.</summary>
public static class ModelCheckpoint
{
    public const string WeightsFile = "model.bin";

    /// <summary>
    /// Writes weights and card into a temporary sibling folder that then replaces <paramref name="dir"/> in one
    /// rename: readers see the old model or the new one, never new weights under an old card.
    /// </summary>
    public static void Save(string dir, ZesRecModel model, ModelCard card) =>
        AtomicFolder.Write(
            dir,
            temp =>
            {
                model.save(Path.Combine(temp, WeightsFile));
                card.Save(temp);
            },
            IsModelFolder,
            "model");

    /// <summary>Why <see cref="Save"/> would refuse <paramref name="dir"/> (a file, or a folder holding something else), or null.</summary>
    public static string? SaveRefusal(string dir) => AtomicFolder.Refusal(dir, IsModelFolder, "model");

    private static bool IsModelFolder(string dir) =>
        File.Exists(Path.Combine(dir, ModelCard.FileName)) || File.Exists(Path.Combine(dir, WeightsFile));

    /// <summary>Builds on the CPU, loads, then moves to <paramref name="device"/>; returned in eval mode.</summary>
    public static (ZesRecModel Model, ModelCard Card) Load(string dir, Device? device = null)
    {
        var card = ModelCard.Load(dir);
        var model = new ZesRecModel(card.Config, card.TextDim, card.SourceItems);
        model.load(Path.Combine(dir, WeightsFile));
        if (device is not null && device.type != DeviceType.CPU)
        {
            model.to(device);
        }

        model.eval();
        return (model, card);
    }
}
