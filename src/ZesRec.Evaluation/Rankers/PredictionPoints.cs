using ZesRec.Data;

namespace ZesRec.Evaluation.Rankers;

/// <summary>
/// Which positions of a user's sequence are predicted: the last one only (the test target), or every one
/// including position 0, which a live processor predicts from the start state before the user's first event.
/// </summary>
public static class PredictionPoints
{
    public static List<(int User, int Position)> Of(IReadOnlyList<UserSequence> users, bool allPositions)
    {
        var points = new List<(int, int)>();
        for (var u = 0; u < users.Count; u++)
        {
            var length = users[u].Items.Length;
            if (allPositions)
            {
                for (var p = 0; p < length; p++)
                {
                    points.Add((u, p));
                }
            }
            else
            {
                points.Add((u, length - 1));
            }
        }

        return points;
    }
}
