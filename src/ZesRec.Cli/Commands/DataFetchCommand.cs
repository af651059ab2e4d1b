using System.Globalization;
using ZesRec.Data.Fetch;

namespace ZesRec.Cli.Commands;

/// <summary><c>zesrec data fetch NAME...</c>: downloads public datasets from where their authors publish them.</summary>
public sealed class DataFetchCommand : ICommand
{
    public string Name => "data fetch";

    public string Summary => "Download public datasets (Amazon 2018, the demo's Scientific/Office pair, MovieLens, MIND) with checksums.";

    public string Help => """
        Usage: zesrec data fetch NAME [NAME...] [--out ROOT]
               zesrec data fetch --list

          NAME        a dataset of the catalog (--list shows them all), e.g. amazon2018-scientific amazon2014-office
                      (what zesrec demo reads) or amazon2018-raw-Gift_Cards
          --out ROOT  data root; each dataset goes to ROOT/NAME (default $ZESREC_DATA_ROOT, which ./zesrec sets,
                      else ../shared/data)
          --list      list the catalog: name, import format, files

        A file is written as FILE.part and renamed once its SHA-256 matches: the catalog's checksum where it pins
        one, otherwise the checksum of the first download, recorded in FILE.sha256 and checked on every later run.
        An interrupted download resumes where it stopped (HTTP Range) when the same command runs again; a file
        already there and intact is not downloaded again. Zip archives are unpacked into the dataset folder.
        Then import with: zesrec data import --format FORMAT --input ROOT/NAME --out DIR
        """;

    public async Task<int> RunAsync(CommandArgs args, CancellationToken cancellationToken)
    {
        var list = args.GetFlag("list");
        var root = args.Get("out") ?? DefaultRoot;
        var names = args.Positional.ToList();
        args.Positional.Clear();
        CommandChecks.RejectUnknownOptions(args);
        if (list)
        {
            foreach (var s in DatasetCatalog.All)
            {
                Console.WriteLine($"{s.Name,-50} {s.ImportFormat,-10} {s.Description}");
            }

            return ExitCodes.Ok;
        }

        if (names.Count == 0)
        {
            throw new UsageException("name at least one dataset to fetch (zesrec data fetch --list shows them)");
        }

        var sources = names.Select(n => DatasetCatalog.Find(n) ?? throw new UsageException($"no dataset '{n}' in the catalog; zesrec data fetch --list shows them")).ToList();
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("zesrec-data-fetch/1");
        var fetcher = new DatasetFetcher(http);
        foreach (var source in sources)
        {
            var bar = new ProgressBar($"{source.Name}");
            var progress = new SynchronousProgress<FetchProgress>(p => bar.Update(
                p.Total is { } total ? (double)p.Done / Math.Max(1, total) : 0,
                string.Create(CultureInfo.InvariantCulture, $"{p.FileName} {p.Done / 1e6:N1}{(p.Total is { } t ? $"/{t / 1e6:N1}" : "")} MB"),
                p.Done == p.Total));
            string dir;
            try
            {
                dir = await fetcher.FetchAsync(source, root, progress, cancellationToken);
            }
            finally
            {
                bar.Done();
            }

            Console.WriteLine($"fetched {source.Name} into {Path.GetFullPath(dir)}; import with: zesrec data import --format {source.ImportFormat} --input {dir} --out .local/datasets/{source.Name}");
        }

        return ExitCodes.Ok;
    }

    private static string DefaultRoot =>
        Environment.GetEnvironmentVariable("ZESREC_DATA_ROOT") is { Length: > 0 } root ? root : Path.Combine("..", "shared", "data");
}
