using ZesRec.Data.Import;

namespace ZesRec.Data.Tests;

/// <summary>
/// Exact counts of each shared dataset, measured once with the importer and cross-checked independently:
/// - scientific: items = `wc -l Scientific.item2index` (4385). Interactions = data rows of
///   train+valid+test .inter (34101+8442+8442; each row adds its target) + 8442 users (their first item)
///   = 59427, the figure UniSRec publishes. The data README's 59,384 sums only the .test.inter rows, which
///   are cut to 50 items: 3 users lose 43 earlier items there, recovered from the train rows.
/// - games: awk sum over Games-6k.test.inter rows of (items in list + 1) = 440264; 50546 rows = users
///   (valid rows are prefixes of test rows for every user, checked with Python); 16859 = `wc -l` .item − 1.
/// - office: `wc -l` train/dev/test.csv minus headers = 43448 + 4905 + 4905 = 53258; 2420 items.
/// - gift cards / magazines: `zcat *_5.json.gz | wc -l` = 2972 / 2375 reviews; 148 / 157 distinct ASINs.
///   6 reviewed magazine ASINs (64 reviews) have no meta line, so 151 items and 2311 interactions stay.
/// - movielens: `wc -l` movies.csv − 1 = 9125 movies, ratings.csv − 1 = 100004 ratings, 671 users.
/// - mind: Python over behaviors.tsv: 138932 history clicks (once per user) + 7542 clicked impressions =
///   146474 read; only 5354 + 175 of them name a news id in the 2000-line news.tsv.
/// - tiny: `wc -l` minus header.
/// </summary>
[Trait("Tier", "Integration")]
public sealed class ImportCountTests
{
    public static TheoryData<string, string, int, int, int, int> Datasets => new()
    {
        // format, input, items kept, interactions read, interactions kept, users
        { "recbole", "amazon2018-scientific", 4385, 59427, 59427, 8442 },
        { "recbole", "amazon2018-games", 16859, 440264, 440264, 50546 },
        { "rechorus", "amazon2014-office", 2420, 53258, 53258, 4905 },
        { "amazon2018", "amazon2018-raw/Gift_Cards_5.json.gz", 148, 2972, 2972, 458 },
        { "amazon2018", "amazon2018-raw/Magazine_Subscriptions_5.json.gz", 151, 2375, 2311, 348 },
        { "movielens", "movielens-latest-small", 9125, 100004, 100004, 671 },
        { "mind", "mind-sample", 2000, 146474, 5529, 2455 },
        { "tsv", "tiny/amazon_scientific_tiny", 717, 875, 875, 100 },
        { "tsv", "tiny/amazon_office_tiny", 803, 1415, 1415, 100 },
    };

    [Theory]
    [MemberData(nameof(Datasets))]
    public void Import_should_give_the_measured_counts_when_reading_a_shared_dataset(
        string format, string input, int items, int interactionsRead, int interactionsKept, int users)
    {
        // Given
        var path = RepoPaths.SharedData(input);

        // When
        var (ds, report) = DatasetImporters.Import(format, path, "test");

        // Then
        Assert.Equal(items, ds.Items.Count);
        Assert.Equal(interactionsRead, report.InteractionsRead);
        Assert.Equal(interactionsKept, ds.Interactions.Count);
        Assert.Equal(interactionsRead - interactionsKept, report.InteractionsRejected);
        Assert.Equal(users, ds.UserCount);
    }

    [Fact]
    public void Recbole_import_should_use_real_asins_and_reviewer_ids_when_index_files_exist()
    {
        // Given
        var path = RepoPaths.SharedData("amazon2018-scientific");

        // When
        var ds = DatasetImporters.Import("recbole", path, "scientific").Dataset;

        // Then: user 0 of user2index is ABW8NXS7SV55K, whose first items 0 and 1 are these ASINs
        Assert.Equal(new InteractionOccurredKey("ABW8NXS7SV55K", "B00TNNWMXI", 0), InteractionOccurredKey.Of(ds.Interactions[0]));
        Assert.Equal(new InteractionOccurredKey("ABW8NXS7SV55K", "B00IBZE2EQ", 1), InteractionOccurredKey.Of(ds.Interactions[1]));
    }

    [Fact]
    public void Recbole_import_should_recover_history_cut_from_the_test_row_when_train_rows_reach_further_back()
    {
        // Given: user 3's test row holds 51 items, but the user's shortest train row starts earlier
        var path = RepoPaths.SharedData("amazon2018-scientific");

        // When
        var ds = DatasetImporters.Import("recbole", path, "scientific").Dataset;

        // Then: the longest stitched sequence is longer than any single row (51 items)
        var longest = ds.Interactions.GroupBy(i => i.UserId).Max(g => g.Count());
        Assert.True(longest > 51, $"longest user sequence has {longest} items");
        Assert.All(ds.Interactions.GroupBy(i => i.UserId), g => Assert.Equal(Enumerable.Range(0, g.Count()).Select(p => (long)p), g.Select(i => i.Position!.Value)));
    }

    [Fact]
    public void Magazine_import_should_take_the_description_when_the_title_is_html()
    {
        // Given
        var path = RepoPaths.SharedData("amazon2018-raw/Magazine_Subscriptions_5.json.gz");

        // When
        var ds = DatasetImporters.Import("amazon2018", path, "magazines").Dataset;

        // Then
        Assert.DoesNotContain(ds.Items, i => i.Text.Contains('<', StringComparison.Ordinal));
        Assert.StartsWith("MAXIMUM PC is the ultimate upgrade", ds.Items.Single(i => i.ItemId == "B00005N7P0").Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Mind_import_should_put_history_clicks_before_the_impression_when_they_have_no_time()
    {
        // Given: U81994 has one impression (behaviors.tsv line 1, 11/12/2019 2:14:46 PM) and 97 history
        // clicks, of which only N56462 (41st) and N47687 (79th) are in news.tsv
        var path = RepoPaths.SharedData("mind-sample");

        // When
        var (ds, report) = DatasetImporters.Import("mind", path, "mind");

        // Then
        var impression = new DateTimeOffset(2019, 11, 12, 14, 14, 46, TimeSpan.Zero);
        var user = ds.Interactions.Where(i => i.UserId == "U81994").ToList();
        Assert.Equal(["N56462", "N47687"], user.Select(i => i.ItemId));
        Assert.All(user, i => Assert.True(i.Timestamp < impression));
        Assert.True(user[0].Timestamp < user[1].Timestamp);
        Assert.Contains(report.Rejections, r => r.Line == 1 && r.Reason.Contains("'N6975'", StringComparison.Ordinal));
    }

    private sealed record InteractionOccurredKey(string User, string Item, long OrderKey)
    {
        public static InteractionOccurredKey Of(Events.InteractionOccurred e) => new(e.UserId, e.ItemId, e.OrderKey);
    }
}
