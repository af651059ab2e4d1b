using ZesRec.Model;

namespace ZesRec.Cli.Commands;

internal static class CommandChecks
{
    private static readonly string[] Devices = ["auto", "cpu", "cuda"];

    /// <summary>An option no verb reads, or a stray word, is almost always a typo: stop before doing minutes of work.</summary>
    public static void RejectUnknownOptions(CommandArgs args)
    {
        var unknown = args.Unread().ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException("unknown option(s): " + string.Join(", ", unknown.Select(u => "--" + u)));
        }

        if (args.Positional.Count > 0)
        {
            throw new UsageException($"unexpected argument(s): {string.Join(' ', args.Positional)} (options are written --name value)");
        }
    }

    /// <summary>Each folder holds a model written by <c>zesrec train</c>; checked before anything loads or connects.</summary>
    public static void RequireModelFolders(IEnumerable<string> dirs, string option)
    {
        foreach (var dir in dirs)
        {
            if (!File.Exists(Path.Combine(dir, ModelCard.FileName)))
            {
                throw new InputException(Directory.Exists(dir)
                    ? $"--{option} {dir} is not a model folder (it has no {ModelCard.FileName}); 'zesrec train --out DIR' writes one"
                    : $"--{option} {dir}: folder not found; 'zesrec train --out DIR' writes a model folder");
            }
        }
    }

    public static string Device(string value) =>
        Devices.Contains(value, StringComparer.OrdinalIgnoreCase) ? value : throw new UsageException($"--device: '{value}' is not one of {string.Join(", ", Devices)}");

    public static UserEncoderVariant Variant(string value)
    {
        try
        {
            return UserEncoderVariant.Parse(value);
        }
        catch (ArgumentException e)
        {
            throw new UsageException("--variant: " + e.Message);
        }
    }
}
