using TorchSharp;
using static TorchSharp.torch;

namespace ZesRec.Model;

/// <summary>Chooses the compute device once, from <c>auto</c>, <c>cpu</c> or <c>cuda</c>.</summary>
public static class DeviceSelection
{
    public static Device Resolve(string choice) => choice.ToLowerInvariant() switch
    {
        "cpu" => CPU,
        "cuda" when cuda.is_available() => CUDA,
        "cuda" => throw new InvalidOperationException("--device cuda: no CUDA device; this build uses the CPU libtorch (build with -p:ZesRecTorchBackend=cuda on a GPU host)"),
        "auto" => cuda.is_available() ? CUDA : CPU,
        _ => throw new ArgumentException($"unknown device '{choice}': expected auto, cpu or cuda"),
    };
}
