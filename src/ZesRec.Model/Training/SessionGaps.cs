using ZesRec.Data;

namespace ZesRec.Model.Training;

/// <summary>
/// HRNN's session gap is measured in the source's order keys. A source that keeps only the order (positions
/// 1, 2, 3, ...) has no gap over one, so no session ever closes and the user-level layers get no gradient; applied
/// later to timed data they would start every session from untrained weights. Such a model is trained and saved
/// with sessions switched off, and the job says so.
/// </summary>
public static class SessionGaps
{
    /// <summary>The gap that never closes a session.</summary>
    public const long Never = long.MaxValue;

    public static ZesRecConfig Adapt(ZesRecConfig config, EventLogDataset source, TextWriter log)
    {
        if (!UserEncoderRegistry.Get(config.Variant).UsesSessions || config.SessionGap == Never || source.Interactions.Any(i => i.Timestamp is not null))
        {
            return config;
        }

        log.WriteLine($"warning: '{source.Name}' orders interactions by position, not time, so HRNN sees no sessions in it (a session gap of {config.SessionGap} never occurs); training with sessions off (session gap: never), which the model card records, so that its untrained session layers are not used on timed data either");
        return config with { SessionGap = Never };
    }
}
