using ZesRec.Data;
using ZesRec.Data.Events;
using ZesRec.Model.Training;

namespace ZesRec.Model.Tests;

public sealed class SessionGapsTests
{
    [Fact]
    public void Hrnn_should_train_with_sessions_off_and_warn_when_the_source_has_positions_not_times()
    {
        // Given a source ordered by positions 1, 2, 3 and an HRNN configuration with the default gap
        var source = Dataset(timed: false);
        var log = new StringWriter();

        // When the job adapts the configuration to the source
        var config = SessionGaps.Adapt(new ZesRecConfig { Variant = UserEncoderVariant.Parse("hrnn") }, source, log);

        // Then sessions never close, and the log says why
        Assert.Equal(SessionGaps.Never, config.SessionGap);
        Assert.Contains("orders interactions by position, not time", log.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hrnn", true)]
    [InlineData("gru4rec", false)]
    [InlineData("tcn", false)]
    public void Configuration_should_stay_as_given_when_the_source_has_times_or_the_variant_has_no_sessions(string variant, bool timed)
    {
        // Given
        var source = Dataset(timed);
        var given = new ZesRecConfig { Variant = UserEncoderVariant.Parse(variant), SessionGap = 3_600 };
        var log = new StringWriter();

        // When
        var config = SessionGaps.Adapt(given, source, log);

        // Then
        Assert.Equal(given, config);
        Assert.Empty(log.ToString());
    }

    private static EventLogDataset Dataset(bool timed)
    {
        var items = new[] { new ItemCreated(1, "a", "item a"), new ItemCreated(1, "b", "item b") };
        var interactions = Enumerable.Range(1, 4).Select(k => new InteractionOccurred(
            1, "u", k % 2 == 0 ? "a" : "b",
            timed ? DateTimeOffset.FromUnixTimeSeconds(1_500_000_000 + (k * 100_000)) : null,
            timed ? null : k)).ToList();
        return new EventLogDataset("source", "test", items, interactions);
    }
}
