using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace ZesRec.Model;

/// <summary>
/// The model version: the variant name and the first 12 hex digits of a SHA-256 over the weights, the configuration
/// and the text encoder. Two trainings that differ in anything the served vectors depend on get different versions,
/// and the same weights always get the same one, so a store can tell which model wrote its rows.
/// </summary>
public static class ModelIdentity
{
    public static string Of(ZesRecModel model, string textEncoder)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(textEncoder);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(JsonSerializer.SerializeToUtf8Bytes(model.Config, ModelCard.JsonOptions));
        hash.AppendData(Encoding.UTF8.GetBytes(textEncoder));
        using (no_grad())
        {
            // state_dict keeps registration order, so the digest does not depend on dictionary ordering.
            foreach (var (name, tensor) in model.state_dict())
            {
                hash.AppendData(Encoding.UTF8.GetBytes(name));
                using var values = tensor.detach().to(ScalarType.Float32).cpu().contiguous();
                hash.AppendData(MemoryMarshal.AsBytes(values.data<float>().ToArray().AsSpan()));
            }
        }

        return $"{model.Config.Variant.ToName()}-{Convert.ToHexStringLower(hash.GetHashAndReset())[..12]}";
    }
}
