using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ZesRec.Streaming.Adaptation;

namespace ZesRec.Adaptation.Bench;

/// <summary>
/// One adaptation round as an operator runs it: <c>zesrec adapt --once</c> in its own process (nice 10, one torch
/// thread), its outcome read from the line it ends with.
/// </summary>
internal sealed partial class AdaptProcess(string zesrecDll, string modelLink, IReadOnlyList<string> extraArgs, TextWriter log)
{
    public async Task<AdaptationOutcome> RunAsync(string schema, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])[zesrecDll, "adapt", "--once", "--model", modelLink, "--pg-schema", schema, .. extraArgs])
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var lines = new List<string>();
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
        {
            lines.Add(line);
            log.WriteLine("    " + line);
        }

        await process.WaitForExitAsync(cancellationToken);
        var errors = await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"zesrec adapt exited with {process.ExitCode}: {errors.Trim()}");
        }

        return Parse(lines);
    }

    internal static AdaptationOutcome Parse(IReadOnlyList<string> lines)
    {
        var last = lines.LastOrDefault(l => l.StartsWith("zesrec adapt: promoted", StringComparison.Ordinal)
            || l.StartsWith("zesrec adapt: rejected", StringComparison.Ordinal) || l.StartsWith("zesrec adapt: skipped", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("zesrec adapt printed no decision");
        var decision = last.Contains(": promoted", StringComparison.Ordinal) ? AdaptationDecision.Promoted
            : last.Contains(": rejected", StringComparison.Ordinal) ? AdaptationDecision.Rejected : AdaptationDecision.Skipped;
        var scores = Scores().Match(last);
        HeldOutScore? serving = null, candidate = null;
        if (scores.Success)
        {
            var targets = long.Parse(scores.Groups[5].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            candidate = new HeldOutScore(Number(scores.Groups[1]), Number(scores.Groups[2]), targets);
            serving = new HeldOutScore(Number(scores.Groups[3]), Number(scores.Groups[4]), targets);
        }

        var trained = lines.Select(l => Trained().Match(l)).FirstOrDefault(m => m.Success);
        var tuning = Seconds("fine-tuning", last);
        var upgrade = Seconds("upgrade", last);
        return new AdaptationOutcome(
            decision, last["zesrec adapt: ".Length..], "", null, serving, candidate,
            trained is null ? 0 : long.Parse(trained.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture), tuning, upgrade);
    }

    private static double Number(Group g) => double.Parse(g.Value, CultureInfo.InvariantCulture);

    private static double Seconds(string what, string line)
    {
        var m = Regex.Match(line, what + @" ([0-9.]+) s");
        return m.Success ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex(@"held-out NDCG@20 ([0-9.]+) \(Recall@20 ([0-9.]+)\) against the serving model's ([0-9.]+) \(Recall@20 ([0-9.]+)\) on ([0-9,]+) interactions")]
    private static partial Regex Scores();

    [GeneratedRegex(@"fine-tuning model \S+ on ([0-9,]+) interactions")]
    private static partial Regex Trained();
}
