using TorchSharp;
using static TorchSharp.torch;

namespace ZesRec.Model;

/// <summary>A model folder: TorchSharp weights plus the JSON model card needed to rebuild the module.</summary>
public static class ModelCheckpoint
{
    public const string WeightsFile = "model.bin";

    public static void Save(string dir, ZesRecModel model, ModelCard card)
    {
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, WeightsFile + ".tmp");
        model.save(temp);
        File.Move(temp, Path.Combine(dir, WeightsFile), overwrite: true);
        card.Save(dir);
    }

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
