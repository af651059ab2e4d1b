using System.IO.Compression;
using System.Security.Cryptography;
using ZesRec.Data.Fetch;

namespace ZesRec.Data.Tests;

/// <summary><c>zesrec data fetch</c>'s downloader against a real local HTTP server serving fixture files.</summary>
[Trait("Tier", "Integration")]
public sealed class DatasetFetcherTests : IDisposable
{
    private static readonly byte[] Reviews = [.. Enumerable.Range(0, 300_000).Select(i => (byte)('a' + (i * 7 % 26)))];

    private readonly FixtureServer _server = new();
    private readonly TempFolder _temp = new();
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _http.Dispose();
        _server.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task Fetch_should_write_every_file_when_its_checksum_matches()
    {
        _server.Serve("r.json.gz", Reviews);
        _server.Serve("meta.json.gz", "meta"u8.ToArray());
        var source = Source(new RemoteFile(_server.Url("r.json.gz"), "r.json.gz", Sha(Reviews)), new RemoteFile(_server.Url("meta.json.gz"), "meta.json.gz"));

        var dir = await Fetcher.FetchAsync(source, _temp.Path, null, CancellationToken.None);

        Assert.Equal(Path.Combine(_temp.Path, "shop"), dir);
        Assert.Equal(Reviews, File.ReadAllBytes(Path.Combine(dir, "r.json.gz")));
        Assert.Equal($"{Sha("meta"u8.ToArray())}  meta.json.gz\n", File.ReadAllText(Path.Combine(dir, "meta.json.gz.sha256")));
        Assert.DoesNotContain(Directory.GetFiles(dir), f => f.EndsWith(".part", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fetch_should_resume_with_a_range_request_after_the_connection_broke()
    {
        // Given a download that broke after 100,000 bytes
        _server.Serve("r.json.gz", Reviews);
        var source = Source(new RemoteFile(_server.Url("r.json.gz"), "r.json.gz", Sha(Reviews)));
        _server.BreakAfter = 100_000;
        var error = await Assert.ThrowsAsync<FetchException>(() => Fetcher.FetchAsync(source, _temp.Path, null, CancellationToken.None));
        Assert.Contains("run the same command again to resume", error.Message, StringComparison.Ordinal);
        var part = new FileInfo(Path.Combine(_temp.Path, "shop", "r.json.gz.part"));
        Assert.InRange(part.Length, 1, 100_000);
        Assert.False(File.Exists(Path.Combine(_temp.Path, "shop", "r.json.gz")));

        // When the same fetch runs again
        var progress = new List<FetchProgress>();
        await Fetcher.FetchAsync(source, _temp.Path, new Collect(progress), CancellationToken.None);

        // Then it asked only for the rest, reported progress up to the whole size, and the file is whole
        Assert.Equal(["", $"bytes={part.Length}-"], _server.Ranges);
        Assert.Equal(Reviews.Length, progress[^1].Done);
        Assert.Equal(Reviews.Length, progress[^1].Total);
        Assert.Equal(Reviews, File.ReadAllBytes(Path.Combine(_temp.Path, "shop", "r.json.gz")));
    }

    [Fact]
    public async Task Fetch_should_start_again_when_the_server_ignores_the_range()
    {
        _server.Serve("r.json.gz", Reviews);
        var source = Source(new RemoteFile(_server.Url("r.json.gz"), "r.json.gz", Sha(Reviews)));
        Directory.CreateDirectory(_temp["shop"]);
        File.WriteAllBytes(_temp["shop/r.json.gz.part"], Reviews[..5000]);
        _server.SupportsRange = false;

        await Fetcher.FetchAsync(source, _temp.Path, null, CancellationToken.None);

        Assert.Equal(["bytes=5000-"], _server.Ranges);
        Assert.Equal(Reviews, File.ReadAllBytes(_temp["shop/r.json.gz"]));
    }

    [Fact]
    public async Task Fetch_should_remove_a_download_whose_checksum_differs()
    {
        _server.Serve("r.json.gz", Reviews);
        var source = Source(new RemoteFile(_server.Url("r.json.gz"), "r.json.gz", Sha("something else"u8.ToArray())));

        var error = await Assert.ThrowsAsync<FetchException>(() => Fetcher.FetchAsync(source, _temp.Path, null, CancellationToken.None));

        Assert.Contains($"SHA-256 {Sha(Reviews)} differs from the catalog's", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_temp["shop"]));
    }

    [Fact]
    public async Task Fetch_should_name_the_url_when_the_server_answers_404()
    {
        var source = Source(new RemoteFile(_server.Url("gone.json.gz"), "gone.json.gz"));

        var error = await Assert.ThrowsAsync<FetchException>(() => Fetcher.FetchAsync(source, _temp.Path, null, CancellationToken.None));

        Assert.Equal($"{_server.Url("gone.json.gz")}: HTTP 404 Not Found", error.Message);
    }

    [Fact]
    public async Task Fetch_should_not_download_again_a_file_that_is_there_and_intact()
    {
        _server.Serve("r.json.gz", Reviews);
        _server.Serve("meta.json.gz", "meta"u8.ToArray());
        var source = Source(new RemoteFile(_server.Url("r.json.gz"), "r.json.gz", Sha(Reviews)), new RemoteFile(_server.Url("meta.json.gz"), "meta.json.gz"));
        await Fetcher.FetchAsync(source, _temp.Path, null, CancellationToken.None);

        await Fetcher.FetchAsync(source, _temp.Path, null, CancellationToken.None);

        Assert.Equal(2, _server.Ranges.Count);
    }

    [Fact]
    public async Task Fetch_should_download_again_a_file_changed_since_its_checksum_was_recorded()
    {
        _server.Serve("meta.json.gz", "meta"u8.ToArray());
        var source = Source(new RemoteFile(_server.Url("meta.json.gz"), "meta.json.gz"));
        await Fetcher.FetchAsync(source, _temp.Path, null, CancellationToken.None);
        File.WriteAllText(_temp["shop/meta.json.gz"], "damaged");

        await Fetcher.FetchAsync(source, _temp.Path, null, CancellationToken.None);

        Assert.Equal("meta", File.ReadAllText(_temp["shop/meta.json.gz"]));
    }

    [Fact]
    public async Task Fetch_should_unpack_a_zip_without_its_top_folder_so_the_importer_reads_it()
    {
        // Given a MovieLens-shaped archive: ml-tiny/movies.csv and ml-tiny/ratings.csv
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "ml-tiny/movies.csv", "movieId,title,genres\n1,Toy Story (1995),Animation|Children\n2,Heat (1995),Action\n");
            Add(zip, "ml-tiny/ratings.csv", "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,2,3.5,964982931\n");
        }

        _server.Serve("ml-tiny.zip", buffer.ToArray());
        var source = Source(new RemoteFile(_server.Url("ml-tiny.zip"), "ml-tiny.zip") { Unzip = true });

        var dir = await Fetcher.FetchAsync(source, _temp.Path, null, CancellationToken.None);

        var (ds, _) = Import.DatasetImporters.Import("movielens", dir, "ml-tiny");
        Assert.Equal(2, ds.Interactions.Count);
    }

    [Fact]
    public void Catalog_should_name_every_dataset_once_with_an_importer_and_https_urls()
    {
        Assert.Equal(DatasetCatalog.All.Count, DatasetCatalog.All.Select(s => s.Name.ToLowerInvariant()).Distinct().Count());
        Assert.All(DatasetCatalog.All, s => Import.DatasetImporters.Get(s.ImportFormat));
        Assert.All(DatasetCatalog.All.SelectMany(s => s.Files), f => Assert.StartsWith("https://", f.Url, StringComparison.Ordinal));
        Assert.NotNull(DatasetCatalog.Find("amazon2018-scientific"));
        Assert.NotNull(DatasetCatalog.Find("amazon2014-office"));
    }

    [Theory]
    [InlineData("amazon2018-scientific")]
    [InlineData("amazon2014-office")]
    public void Catalog_checksums_of_the_demo_datasets_should_match_the_shared_copies(string name)
    {
        var source = DatasetCatalog.Find(name)!;
        var shared = RepoPaths.SharedData(name);
        Assert.All(source.Files, f => Assert.Equal(f.Sha256, Sha(File.ReadAllBytes(Path.Combine(shared, f.FileName)))));
    }

    private DatasetFetcher Fetcher => new(_http);

    private static FetchSource Source(params RemoteFile[] files) => new("shop", "fixture", "amazon2018", files);

    private static string Sha(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    private static void Add(ZipArchive zip, string name, string content)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name).Open());
        writer.Write(content);
    }

    private sealed class Collect(List<FetchProgress> list) : IProgress<FetchProgress>
    {
        public void Report(FetchProgress value) => list.Add(value);
    }
}
