using ZesRec.Data;

namespace ZesRec.Evaluation.Guards;

/// <summary>
/// Every test target must come after the user's training interactions, and no training or validation
/// sequence may contain it: otherwise the oracles (POP, in-domain models) would train on the answers.
/// </summary>
public static class TemporalGuard
{
    public static void Check(PreparedDomain domain)
    {
        var test = domain.Test.ToDictionary(u => u.UserId, StringComparer.Ordinal);
        foreach (var user in domain.Test)
        {
            var target = user.Times[^1];
            for (var k = 0; k < user.Times.Length - 1; k++)
            {
                if (user.Times[k] > target)
                {
                    throw new InvalidOperationException($"user {user.UserId}: training interaction {k} (order key {user.Times[k]}) comes after the test target (order key {target})");
                }
            }
        }

        foreach (var prefix in domain.Train.Concat(domain.Validation))
        {
            if (!test.TryGetValue(prefix.UserId, out var full) || prefix.Items.Length != full.Items.Length - 1
                || !prefix.Items.AsSpan().SequenceEqual(full.Items.AsSpan(0, full.Items.Length - 1)))
            {
                throw new InvalidOperationException($"user {prefix.UserId}: the training sequence is not the test sequence without its target");
            }
        }
    }
}
