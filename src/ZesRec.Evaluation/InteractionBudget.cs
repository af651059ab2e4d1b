using ZesRec.Data;

namespace ZesRec.Evaluation;

/// <summary>
/// The incremental-training subsets: whole users drawn at random until their training interactions reach the
/// budget, each keeping its sequence in time order; users drawn from the validation split stay validation users.
/// </summary>
public static class InteractionBudget
{
    public sealed record Subset(IReadOnlyList<UserSequence> Train, IReadOnlyList<UserSequence> Validation, long Interactions);

    public static Subset Sample(PreparedDomain domain, long budget, long seed)
    {
        var validation = domain.Validation.Select(u => u.UserId).ToHashSet(StringComparer.Ordinal);
        var pool = domain.Train.Concat(domain.Validation).ToArray();
        new Random((int)seed).Shuffle(pool);
        var train = new List<UserSequence>();
        var valid = new List<UserSequence>();
        long total = 0;
        foreach (var user in pool)
        {
            if (total >= budget)
            {
                break;
            }

            (validation.Contains(user.UserId) ? valid : train).Add(user);
            total += user.Items.Length;
        }

        return new Subset(train, valid, total);
    }
}
