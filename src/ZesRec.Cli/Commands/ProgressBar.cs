using System.Globalization;

namespace ZesRec.Cli.Commands;

/// <summary>
/// A one-line progress bar on stderr. On a terminal it redraws in place; when stderr is redirected (CI, logs) it
/// prints a line at most every few seconds, so logs stay short.
/// </summary>
internal sealed class ProgressBar(string label)
{
    private readonly bool interactive = !Console.IsErrorRedirected;
    private DateTime lastDraw = DateTime.MinValue;

    public void Update(double fraction, string detail, bool force = false)
    {
        var now = DateTime.UtcNow;
        var interval = interactive ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(5);
        if (!force && now - lastDraw < interval)
        {
            return;
        }

        lastDraw = now;
        const int width = 30;
        var filled = (int)Math.Round(Math.Clamp(fraction, 0, 1) * width);
        var line = string.Create(CultureInfo.InvariantCulture, $"{label} [{new string('#', filled)}{new string('-', width - filled)}] {fraction * 100,5:F1}% {detail}");
        if (interactive)
        {
            Console.Error.Write("\r" + line.PadRight(Console.BufferWidth > 0 ? Math.Min(Console.BufferWidth - 1, 120) : 100));
        }
        else
        {
            Console.Error.WriteLine(line);
        }
    }

    public void Done()
    {
        if (interactive)
        {
            Console.Error.Write("\r" + new string(' ', 100) + "\r");
        }
    }
}
