using ZesRec.Data.Import;

namespace ZesRec.Data.Tests;

[Trait("Tier", "Integration")]
public sealed class DomainOverlapTests
{
    [Fact]
    public void Check_should_find_the_11_shared_asins_when_pairing_scientific_with_office()
    {
        // Given: `comm -12` of the sorted ASIN columns of the two item2index files gives 11 lines
        var scientific = DatasetImporters.Import("recbole", RepoPaths.SharedData("amazon2018-scientific"), "scientific").Dataset;
        var office = DatasetImporters.Import("rechorus", RepoPaths.SharedData("amazon2014-office"), "office").Dataset;
        var log = new StringWriter();

        // When
        var result = DomainOverlap.Check(scientific, office, new OverlapOptions { Log = log });

        // Then
        Assert.Equal(11, result.SharedItemIds.Count);
        Assert.Empty(result.SharedUserIds);
        Assert.Equal(OverlapSide.Target, result.DroppedFrom);
        Assert.Equal(2420 - 11, result.Cleaned.Items.Count);
        Assert.Equal(53258 - result.RemovedInteractions, result.Cleaned.Interactions.Count);
        Assert.True(result.RemovedInteractions > 0);
        Assert.DoesNotContain(result.Cleaned.Interactions, i => result.SharedItemIds.Contains(i.ItemId));
        Assert.Contains("11 shared items", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_should_drop_from_the_source_when_asked()
    {
        // Given
        var scientific = DatasetImporters.Import("recbole", RepoPaths.SharedData("amazon2018-scientific"), "scientific").Dataset;
        var office = DatasetImporters.Import("rechorus", RepoPaths.SharedData("amazon2014-office"), "office").Dataset;

        // When
        var result = DomainOverlap.Check(scientific, office, new OverlapOptions { DropFrom = OverlapSide.Source, Log = null });

        // Then
        Assert.Equal("scientific", result.Cleaned.Name);
        Assert.Equal(4385 - 11, result.Cleaned.Items.Count);
    }
}
