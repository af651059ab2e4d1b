using System.Globalization;

namespace ZesRec.Infra.Tests;

/// <summary>The messages a probe consumer printed, as `MSG partition offset value` lines.</summary>
internal static class KafkaProbeOutput
{
    public sealed record Consumed(int Partition, long Offset, string Value);

    public static IReadOnlyList<Consumed> Messages(KafkaProcess.Result result) =>
        [.. result.Lines
            .Where(l => l.StartsWith("MSG ", StringComparison.Ordinal))
            .Select(l => l.Split(' ', 4))
            .Select(p => new Consumed(
                int.Parse(p[1], CultureInfo.InvariantCulture),
                long.Parse(p[2], CultureInfo.InvariantCulture),
                p[3]))];
}
