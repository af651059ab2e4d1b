using System.Net;
using System.Net.Sockets;
using System.Text;
using Prometheus;

namespace ZesRec.Streaming.Hosting;

/// <summary>/metrics (Prometheus text format), /healthz (the process is alive) and /ready (it can serve).</summary>
public sealed class HealthServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Func<(bool Ready, string Why)> readiness;
    private readonly Task loop;

    public HealthServer(string host, int port, Func<(bool Ready, string Why)> readiness)
    {
        this.readiness = readiness;
        Port = port == 0 ? FreePort() : port;
        listener.Prefixes.Add($"http://{PrefixHost(host)}:{Port}/");
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public void Dispose()
    {
        listener.Close();
        try
        {
            loop.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
            // The listener was closed under a pending request.
        }
    }

    /// <summary>
    /// Every interface (0.0.0.0, ::) becomes HttpListener's wildcard: its managed implementation refuses 0.0.0.0 as a
    /// prefix host ("The request is not supported"), and a wildcard also accepts any Host header (zesrec:9400).
    /// </summary>
    private static string PrefixHost(string host) => host is "0.0.0.0" or "::" or "[::]" or "+" ? "*" : host;

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                await RespondAsync(context);
            }
            catch (Exception e) when (e is HttpListenerException or IOException)
            {
                // The client went away.
            }
        }
    }

    private async Task RespondAsync(HttpListenerContext context)
    {
        var response = context.Response;
        switch (context.Request.Url?.AbsolutePath)
        {
            case "/metrics":
                response.ContentType = "text/plain; version=0.0.4";
                await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(response.OutputStream);
                break;
            case "/healthz":
                await WriteAsync(response, 200, "alive");
                break;
            case "/ready":
                var (ready, why) = readiness();
                await WriteAsync(response, ready ? 200 : 503, ready ? "ready" : "not ready: " + why);
                break;
            default:
                await WriteAsync(response, 404, "not found: try /metrics, /healthz or /ready");
                break;
        }

        response.Close();
    }

    private static async Task WriteAsync(HttpListenerResponse response, int status, string body)
    {
        response.StatusCode = status;
        response.ContentType = "text/plain";
        var bytes = Encoding.UTF8.GetBytes(body + "\n");
        await response.OutputStream.WriteAsync(bytes);
    }
}
