using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace ZesRec.Data.Fetch;

/// <summary>
/// Downloads a <see cref="FetchSource"/> into <c>ROOT/NAME</c>. A file grows as <c>FILE.part</c> and is renamed only
/// once its SHA-256 is checked, so a broken connection leaves a part that the next run resumes (HTTP Range) and
/// never a file that looks complete. A file already there with the right checksum is not downloaded again.
/// </summary>
public sealed class DatasetFetcher(HttpClient http)
{
    private const string PartSuffix = ".part";
    private const string ChecksumSuffix = ".sha256";
    private const string UnzippedSuffix = ".unzipped";

    /// <summary>Fetches every file of <paramref name="source"/>; returns the dataset folder.</summary>
    public async Task<string> FetchAsync(FetchSource source, string root, IProgress<FetchProgress>? progress, CancellationToken cancellationToken)
    {
        var dir = Path.Combine(root, source.Name);
        Directory.CreateDirectory(dir);
        foreach (var file in source.Files)
        {
            var downloaded = await FetchFileAsync(file, dir, progress, cancellationToken);
            var stamp = Path.Combine(dir, file.FileName + UnzippedSuffix);
            if (file.Unzip && (downloaded || !File.Exists(stamp)))
            {
                Unzip(Path.Combine(dir, file.FileName), dir);
                File.WriteAllText(stamp, "");
            }
        }

        return dir;
    }

    /// <summary>Downloads one file into <paramref name="dir"/>; false when it was already there, whole.</summary>
    public async Task<bool> FetchFileAsync(RemoteFile file, string dir, IProgress<FetchProgress>? progress, CancellationToken cancellationToken)
    {
        var target = Path.Combine(dir, file.FileName);
        var recorded = target + ChecksumSuffix;
        if (File.Exists(target) && (file.Sha256 ?? RecordedChecksum(recorded)) is { } expected
            && string.Equals(await Sha256Async(target, cancellationToken), expected, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var part = target + PartSuffix;
        await DownloadAsync(file, part, progress, cancellationToken);
        var actual = await Sha256Async(part, cancellationToken);
        if (file.Sha256 is { } pinned && !string.Equals(pinned, actual, StringComparison.OrdinalIgnoreCase))
        {
            File.Delete(part);
            throw new FetchException($"{file.Url}: SHA-256 {actual} differs from the catalog's {pinned}; the download was removed");
        }

        File.Move(part, target, overwrite: true);
        if (file.Sha256 is null)
        {
            // sha256sum's format, so `sha256sum -c FILE.sha256` checks it too.
            await File.WriteAllTextAsync(recorded, $"{actual}  {file.FileName}\n", cancellationToken);
        }

        return true;
    }

    private async Task DownloadAsync(RemoteFile file, string part, IProgress<FetchProgress>? progress, CancellationToken cancellationToken)
    {
        var offset = File.Exists(part) ? new FileInfo(part).Length : 0;
        using var request = new HttpRequestMessage(HttpMethod.Get, file.Url);
        if (offset > 0)
        {
            request.Headers.Range = new RangeHeaderValue(offset, null);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new FetchException($"{file.Url}: {e.Message}", e);
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && offset > 0)
            {
                return; // the part is already whole; its checksum decides
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new FetchException($"{file.Url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            // A server that ignores Range answers 200 with the whole file: start again from the first byte.
            var resume = response.StatusCode == HttpStatusCode.PartialContent && response.Content.Headers.ContentRange?.From == offset;
            var done = resume ? offset : 0;
            long? total = response.Content.Headers.ContentLength is { } length ? length + done : null;
            await using var output = new FileStream(part, resume ? FileMode.Append : FileMode.Create, FileAccess.Write);
            try
            {
                await using var input = await response.Content.ReadAsStreamAsync(cancellationToken);
                var buffer = new byte[1 << 16];
                int n;
                while ((n = await input.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    await output.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
                    done += n;
                    progress?.Report(new FetchProgress(file.FileName, done, total));
                }
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                throw new FetchException($"{file.Url}: the connection broke after {done:N0} bytes ({e.Message}); run the same command again to resume", e);
            }

            if (total is { } expected && done != expected)
            {
                throw new FetchException($"{file.Url}: got {done:N0} of {expected:N0} bytes; run the same command again to resume");
            }
        }
    }

    private static string? RecordedChecksum(string path) =>
        File.Exists(path) ? File.ReadAllText(path).Split(' ', 2)[0].Trim() : null;

    private static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    /// <summary>Unpacks every file of the archive into <paramref name="dir"/>, without the archive's single top folder if it has one.</summary>
    private static void Unzip(string archive, string dir)
    {
        using var zip = ZipFile.OpenRead(archive);
        var files = zip.Entries.Where(e => !e.FullName.EndsWith('/')).ToList();
        var top = files.Select(e => e.FullName.Split('/')[0]).Distinct(StringComparer.Ordinal).ToList();
        var strip = top.Count == 1 && files.All(e => e.FullName.Contains('/', StringComparison.Ordinal)) ? top[0].Length + 1 : 0;
        var root = Path.GetFullPath(dir) + Path.DirectorySeparatorChar;
        foreach (var entry in files)
        {
            var path = Path.GetFullPath(Path.Combine(dir, entry.FullName[strip..]));
            if (!path.StartsWith(root, StringComparison.Ordinal))
            {
                throw new FetchException($"{archive}: entry '{entry.FullName}' points outside the dataset folder");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            entry.ExtractToFile(path, overwrite: true);
        }
    }
}
