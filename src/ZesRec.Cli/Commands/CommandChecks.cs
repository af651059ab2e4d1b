namespace ZesRec.Cli.Commands;

internal static class CommandChecks
{
    /// <summary>An option no verb reads is almost always a typo: stop before doing minutes of work.</summary>
    public static void RejectUnknownOptions(CommandArgs args)
    {
        var unknown = args.Unread().ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException("unknown option(s): " + string.Join(", ", unknown.Select(u => "--" + u)));
        }
    }
}
