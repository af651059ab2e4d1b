namespace ZesRec.Data.Fetch;

/// <summary>
/// The public datasets <c>zesrec data fetch</c> downloads, from where their authors publish them. Files at a fixed
/// commit carry their SHA-256; the others (published at fixed paths that their owners may replace) get the checksum
/// of the first download recorded beside them, and later runs verify against that.
/// </summary>
public static class DatasetCatalog
{
    private const string Amazon2018 = "https://datarepo.eng.ucsd.edu/mcauley_group/data/amazon_v2";
    private const string CoWPiRec = "https://raw.githubusercontent.com/ysh-1998/CoWPiRec/97b0c8e80346c1e5ac43257b420accd620a44d15/dataset/Scientific";
    private const string Lrd = "https://raw.githubusercontent.com/ysh-1998/LRD/a9968abae682ce286f699d3a28b1a77baac5005a/data/Office";
    private const string Amazon2014 = "https://snap.stanford.edu/data/amazon/productGraph/categoryFiles";
    private const string GroupLens = "https://files.grouplens.org/datasets/movielens";
    private const string Mind = "https://mind201910small.blob.core.windows.net/release";

    /// <summary>The Amazon 2018 ("v2") categories with a 5-core review file and a metadata file.</summary>
    public static IReadOnlyList<string> Amazon2018Categories { get; } =
    [
        "AMAZON_FASHION", "All_Beauty", "Appliances", "Arts_Crafts_and_Sewing", "Automotive", "Books", "CDs_and_Vinyl",
        "Cell_Phones_and_Accessories", "Clothing_Shoes_and_Jewelry", "Digital_Music", "Electronics", "Gift_Cards",
        "Grocery_and_Gourmet_Food", "Home_and_Kitchen", "Industrial_and_Scientific", "Kindle_Store", "Luxury_Beauty",
        "Magazine_Subscriptions", "Movies_and_TV", "Musical_Instruments", "Office_Products", "Patio_Lawn_and_Garden",
        "Pet_Supplies", "Prime_Pantry", "Software", "Sports_and_Outdoors", "Tools_and_Home_Improvement", "Toys_and_Games",
        "Video_Games",
    ];

    /// <summary>The Amazon 2014 categories with a 5-core review file and a metadata file.</summary>
    public static IReadOnlyList<string> Amazon2014Categories { get; } =
    [
        "Amazon_Instant_Video", "Apps_for_Android", "Automotive", "Baby", "Beauty", "Books", "CDs_and_Vinyl",
        "Cell_Phones_and_Accessories", "Clothing_Shoes_and_Jewelry", "Digital_Music", "Electronics",
        "Grocery_and_Gourmet_Food", "Health_and_Personal_Care", "Home_and_Kitchen", "Kindle_Store", "Movies_and_TV",
        "Musical_Instruments", "Office_Products", "Patio_Lawn_and_Garden", "Pet_Supplies", "Sports_and_Outdoors",
        "Tools_and_Home_Improvement", "Toys_and_Games", "Video_Games",
    ];

    public static IReadOnlyList<FetchSource> All { get; } =
    [
        new("amazon2018-scientific", "Amazon 2018 Industrial & Scientific as UniSRec/RecBole atomic files (the demo's source domain)", "recbole",
        [
            new($"{CoWPiRec}/Scientific.text", "Scientific.text", "95887e6bda76e54f59b71b566320520d5da74e21d3b6ff8f20bfb6e8e84aa831"),
            new($"{CoWPiRec}/Scientific.train.inter", "Scientific.train.inter", "7284f6489d956fa20c9b64ffc84569264320edba5c3bc2fcb22db2ea083a1163"),
            new($"{CoWPiRec}/Scientific.valid.inter", "Scientific.valid.inter", "5f37c84d3b54617cdc46638c89dfe8741c7efc4987acd5eb64de2cbd4311f46c"),
            new($"{CoWPiRec}/Scientific.test.inter", "Scientific.test.inter", "546da7e5f44002b4518d7fd58066684bc09613f76c240914e16976d57cfe7083"),
            new($"{CoWPiRec}/Scientific.item2index", "Scientific.item2index", "896ab1017508cf20834d3d0537da9f8f624324223a835af272a98ba16f8c087a"),
            new($"{CoWPiRec}/Scientific.user2index", "Scientific.user2index", "f0162b1a3a0c6b7e816f86208e7b36f65d6787923126f9558fbc6d368e4c4974"),
        ]),
        new("amazon2014-office", "Amazon 2014 Office Products, 5-core, as ReChorus files (the demo's target domain)", "rechorus",
        [
            new($"{Lrd}/train.csv", "train.csv", "015236e98589dac0801be8fe16519d95735b2efbd64bec890685297a1bc69fec"),
            new($"{Lrd}/dev.csv", "dev.csv", "f94b18e4be2f7322905b7fd152bce78e4d554cb7561426fab6855e7df07790a0"),
            new($"{Lrd}/test.csv", "test.csv", "5b5fb42bf500ca344d565461706cdb548ebf21b371f3f871d517d8c967e63ed6"),
            new($"{Lrd}/Office.text", "Office.text", "34932e3a6cd6b6d9e999608b309cfa5c6811084dc8be77a18ae89de50da7f862"),
            new($"{Lrd}/Office.item2index", "Office.item2index", "4a1d4bb829f89ce23f7f8e6637238a2f9049ca28fed4e73840b36fdba479a046"),
        ]),
        .. Amazon2018Categories.Select(c => new FetchSource(
            $"amazon2018-raw-{c}",
            $"Amazon 2018 {c.Replace('_', ' ')}: 5-core reviews and item metadata",
            "amazon2018",
            [new($"{Amazon2018}/categoryFilesSmall/{c}_5.json.gz", $"{c}_5.json.gz"), new($"{Amazon2018}/metaFiles2/meta_{c}.json.gz", $"meta_{c}.json.gz")])),
        .. Amazon2014Categories.Select(c => new FetchSource(
            $"amazon2014-raw-{c}",
            $"Amazon 2014 {c.Replace('_', ' ')}: 5-core reviews and item metadata",
            "amazon2014",
            [new($"{Amazon2014}/reviews_{c}_5.json.gz", $"reviews_{c}_5.json.gz"), new($"{Amazon2014}/meta_{c}.json.gz", $"meta_{c}.json.gz")])),
        new("movielens-latest-small", "MovieLens latest-small (GroupLens): movies.csv and ratings.csv", "movielens",
            [new($"{GroupLens}/ml-latest-small.zip", "ml-latest-small.zip") { Unzip = true }]),
        new("movielens-25m", "MovieLens 25M (GroupLens): movies.csv and ratings.csv", "movielens",
            [new($"{GroupLens}/ml-25m.zip", "ml-25m.zip") { Unzip = true }]),
        new("mind-small", "MIND-small training set (Microsoft News): news.tsv and behaviors.tsv", "mind",
            [new($"{Mind}/MINDsmall_train.zip", "MINDsmall_train.zip") { Unzip = true }]),
    ];

    public static FetchSource? Find(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}
