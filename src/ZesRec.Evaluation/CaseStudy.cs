using System.Globalization;
using System.Text;
using ZesRec.Data;
using ZesRec.Evaluation.Rankers;
using static TorchSharp.torch;

namespace ZesRec.Evaluation;

/// <summary>
/// For target users whose next item ZESRec ranks first, the source users closest in user-embedding space
/// (cosine), with their items: does the model transfer behaviour patterns, or only text similarity?
/// </summary>
public static class CaseStudy
{
    public static string Write(
        SequenceModelRanker targetRanker,
        PreparedDomain target,
        long[] targetRanks,
        SequenceModelRanker sourceRanker,
        PreparedDomain source,
        int users,
        int neighbours = 3)
    {
        var sb = new StringBuilder();
        var hits = Enumerable.Range(0, target.Test.Count).Where(u => targetRanks[u] == 1).Take(users).ToList();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{targetRanks.Count(r => r == 1):N0} target users have their next item ranked first; the first {hits.Count}:");
        sb.AppendLine();
        if (hits.Count == 0)
        {
            return sb.ToString();
        }

        using var scope = NewDisposeScope();
        var sourceVectors = nn.functional.normalize(Batched(sourceRanker, source.Test), dim: 1);
        var hitUsers = hits.Select(u => target.Test[u]).ToList();
        var targetVectors = nn.functional.normalize(targetRanker.UserVectors(hitUsers, false), dim: 1);
        var (similarity, nearest) = targetVectors.matmul(sourceVectors.t()).topk(neighbours, dim: 1);
        for (var i = 0; i < hitUsers.Count; i++)
        {
            var user = hitUsers[i];
            sb.AppendLine(CultureInfo.InvariantCulture, $"### Target user {user.UserId}");
            sb.AppendLine();
            sb.AppendLine("History: " + Items(target, user.Items[..^1]));
            sb.AppendLine();
            sb.AppendLine("Next item (ranked 1st): " + Short(target.ItemTexts[user.Items[^1]]));
            sb.AppendLine();
            for (var j = 0; j < neighbours; j++)
            {
                var s = source.Test[(int)nearest[i, j].item<long>()];
                sb.AppendLine(CultureInfo.InvariantCulture, $"- source user {s.UserId} (cosine {similarity[i, j].item<float>():F3}): {Items(source, s.Items[..^1])}");
            }

            sb.AppendLine();
        }

        return sb.ToString();
    }

    private static Tensor Batched(SequenceModelRanker ranker, IReadOnlyList<UserSequence> users) =>
        cat([.. users.Chunk(512).Select(c => ranker.UserVectors(c, false))], 0);

    private static string Items(PreparedDomain domain, int[] items) =>
        string.Join(" → ", items.TakeLast(5).Select(i => Short(domain.ItemTexts[i])));

    private static string Short(string text) => "\"" + (text.Length > 70 ? text[..70].TrimEnd() + "…" : text).Replace("|", "/", StringComparison.Ordinal) + "\"";
}
