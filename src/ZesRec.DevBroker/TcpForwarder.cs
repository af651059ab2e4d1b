using System.Net;
using System.Net.Sockets;

namespace ZesRec.DevBroker;

/// <summary>
/// Listens on the fixed, well-known address and pipes each connection to the mock broker,
/// because the mock can only bind a random port.
/// </summary>
internal sealed class TcpForwarder : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _connections = [];
    private Task _acceptLoop = Task.CompletedTask;

    public TcpForwarder(IPAddress listenAddress, int listenPort, string targetHost, int targetPort)
    {
        _listener = new TcpListener(listenAddress, listenPort);
        _targetHost = targetHost;
        _targetPort = targetPort;
    }

    public int LocalPort => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public void Start()
    {
        try
        {
            _listener.Start();
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new InvalidOperationException(
                $"Port {((IPEndPoint)_listener.LocalEndpoint).Port} is already in use; is another development broker running? ({e.Message})", e);
        }

        _acceptLoop = AcceptLoopAsync(_stopping.Token);
    }

    private async Task AcceptLoopAsync(CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException) when (token.IsCancellationRequested)
            {
                return;
            }

            lock (_connections)
            {
                _connections.RemoveAll(t => t.IsCompleted);
                _connections.Add(PipeAsync(client, token));
            }
        }
    }

    private async Task PipeAsync(TcpClient client, CancellationToken token)
    {
        using var downstream = client;
        using var upstream = new TcpClient();
        try
        {
            // Kafka requests are small and latency-bound; Nagle would add visible delays.
            downstream.NoDelay = true;
            upstream.NoDelay = true;
            await upstream.ConnectAsync(_targetHost, _targetPort, token).ConfigureAwait(false);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(token);
            var clientStream = downstream.GetStream();
            var brokerStream = upstream.GetStream();
            var toBroker = clientStream.CopyToAsync(brokerStream, linked.Token);
            var toClient = brokerStream.CopyToAsync(clientStream, linked.Token);
            await Task.WhenAny(toBroker, toClient).ConfigureAwait(false);
            // Either side closing ends the Kafka connection; tear down the other direction too.
            await linked.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(toBroker, toClient).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A client or the broker hung up; that is normal connection churn, nothing to report.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _acceptLoop.ConfigureAwait(false);
        Task[] open;
        lock (_connections)
        {
            open = [.. _connections];
        }

        await Task.WhenAll(open).ConfigureAwait(false);
        _stopping.Dispose();
    }
}
