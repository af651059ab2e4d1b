using System.Net;
using System.Net.Sockets;

namespace ZesRec.Data.Tests;

/// <summary>
/// A real HTTP server on 127.0.0.1 serving fixture files, with Range support that can be switched off and a
/// connection that can be made to break after some bytes, the way an interrupted download looks to a client.
/// </summary>
internal sealed class FixtureServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly Task _loop;

    public FixtureServer()
    {
        // HttpListener takes no port 0: ask the OS for a free port, then listen on it.
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    /// <summary>Range headers of the requests received, in order ("" when a request had none).</summary>
    public List<string> Ranges { get; } = [];

    public bool SupportsRange { get; set; } = true;

    /// <summary>When set, the next response is cut after this many body bytes and the connection dropped.</summary>
    public int? BreakAfter { get; set; }

    public string Url(string path) => $"http://127.0.0.1:{Port}/{path}";

    public void Serve(string path, byte[] content) => _files[path] = content;

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            await RespondAsync(context);
        }
    }

    private async Task RespondAsync(HttpListenerContext context)
    {
        var range = context.Request.Headers["Range"] ?? "";
        lock (Ranges)
        {
            Ranges.Add(range);
        }

        var response = context.Response;
        if (!_files.TryGetValue(context.Request.Url!.AbsolutePath.TrimStart('/'), out var content))
        {
            response.StatusCode = 404;
            response.Close();
            return;
        }

        var from = 0;
        if (SupportsRange && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            from = int.Parse(range[6..^1], System.Globalization.CultureInfo.InvariantCulture);
            if (from >= content.Length)
            {
                response.StatusCode = 416;
                response.Close();
                return;
            }

            response.StatusCode = 206;
            response.Headers["Content-Range"] = $"bytes {from}-{content.Length - 1}/{content.Length}";
        }

        response.ContentLength64 = content.Length - from;
        var cut = BreakAfter;
        BreakAfter = null;
        try
        {
            if (cut is { } n && n < content.Length - from)
            {
                await response.OutputStream.WriteAsync(content.AsMemory(from, n));
                await response.OutputStream.FlushAsync();
                await Task.Delay(200); // let the client read the bytes before the reset, as after a real outage
                response.Abort();
                return;
            }

            await response.OutputStream.WriteAsync(content.AsMemory(from));
            response.Close();
        }
        catch (HttpListenerException)
        {
            response.Abort();
        }
    }
}
