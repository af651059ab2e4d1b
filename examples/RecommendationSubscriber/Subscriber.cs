using System.Text.Json;

namespace RecommendationSubscriber;

/// <summary>
/// Keeps each user's latest recommendations: drops repeated events by id and, once a newer model version appears,
/// ignores the older one (during an upgrade both deployments publish; docs/operations.md, Upgrade a model).
/// </summary>
public sealed class Subscriber(int recentIds = 100_000)
{
    private readonly RecentIds seen = new(recentIds);
    private readonly Dictionary<string, Recommendation> latest = new(StringComparer.Ordinal);
    private readonly List<string> versions = [];

    /// <summary>Model versions in the order they first appeared; the last one is followed.</summary>
    public IReadOnlyList<string> ModelVersions => versions;

    public string? CurrentModel => versions.Count == 0 ? null : versions[^1];

    public IReadOnlyDictionary<string, Recommendation> Latest => latest;

    public Outcome Handle(ReadOnlySpan<byte> value)
    {
        Recommendation? recommendation;
        try
        {
            recommendation = JsonSerializer.Deserialize<Recommendation>(value);
        }
        catch (JsonException)
        {
            return Outcome.Invalid;
        }

        if (recommendation is not { Version: 1, EventId.Length: > 0, UserId.Length: > 0, ModelVersion.Length: > 0, Items: not null })
        {
            return Outcome.Invalid;
        }

        if (!versions.Contains(recommendation.ModelVersion))
        {
            // A version not seen before is the newer deployment: follow it from now on.
            versions.Add(recommendation.ModelVersion);
        }
        else if (recommendation.ModelVersion != CurrentModel)
        {
            return Outcome.OlderModel;
        }

        // Both deployments of an upgrade derive the event id from the same interaction: a repeat is the same id from
        // the same model.
        if (!seen.Add($"{recommendation.ModelVersion}/{recommendation.EventId}"))
        {
            return Outcome.Repeat;
        }

        latest[recommendation.UserId] = recommendation;
        return Outcome.Applied;
    }
}
