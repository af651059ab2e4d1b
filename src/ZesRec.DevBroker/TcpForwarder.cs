using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using ZesRec.DevBroker.Sasl;

namespace ZesRec.DevBroker;

/// <summary>
/// Listens on the fixed, well-known address and pipes each connection to the mock broker,
/// because the mock can only bind a random port. <see cref="PauseAsync"/> closes the listener and every
/// connection (clients see a broker that went away and refuses connections) until <see cref="Resume"/>.
/// With a server certificate it terminates TLS: clients speak TLS to it, the mock behind it stays plaintext, so
/// clients' TLS settings can be proven against the development broker. With a <see cref="SaslGate"/> each connection
/// must authenticate (SASL PLAIN or SCRAM) before its requests reach the mock; with both, TLS comes first (SASL_SSL).
/// </summary>
internal sealed class TcpForwarder : IAsyncDisposable
{
    private readonly IPEndPoint _listenEndPoint;
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _connections = [];
    private TcpListener _listener;
    private CancellationTokenSource _serving;
    private Task _acceptLoop = Task.CompletedTask;
    private readonly X509Certificate2? _certificate;
    private readonly SaslGate? _sasl;
    private bool _paused;

    public TcpForwarder(IPAddress listenAddress, int listenPort, string targetHost, int targetPort, X509Certificate2? certificate = null, SaslGate? sasl = null)
    {
        _certificate = certificate;
        _sasl = sasl;
        _listenEndPoint = new IPEndPoint(listenAddress, listenPort);
        _listener = new TcpListener(_listenEndPoint);
        _serving = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
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

        _acceptLoop = AcceptLoopAsync(_listener, _serving.Token);
    }

    /// <summary>Stops listening and drops every open connection; the port stays ours to <see cref="Resume"/> on.</summary>
    public async Task PauseAsync()
    {
        if (_paused)
        {
            return;
        }

        _paused = true;
        var port = LocalPort;
        await _serving.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _acceptLoop.ConfigureAwait(false);
        await Task.WhenAll(OpenConnections()).ConfigureAwait(false);
        _serving.Dispose();
        _serving = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        // Keep the port that was bound (the configured one may have been 0).
        _listener = new TcpListener(_listenEndPoint.Address, port);
    }

    /// <summary>Listens again on the same port.</summary>
    public void Resume()
    {
        if (!_paused)
        {
            return;
        }

        _listener.Start();
        _acceptLoop = AcceptLoopAsync(_listener, _serving.Token);
        _paused = false;
    }

    private async Task AcceptLoopAsync(TcpListener listener, CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e) when (token.IsCancellationRequested && e is SocketException or ObjectDisposedException)
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
            Stream clientStream = downstream.GetStream();
            if (_certificate is not null)
            {
                var tls = new SslStream(clientStream, leaveInnerStreamOpen: false);
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, token).ConfigureAwait(false);
                clientStream = tls;
            }

            await using var clientSide = clientStream;
            var brokerStream = upstream.GetStream();
            if (_sasl is not null && await _sasl.AuthenticateAsync(clientStream, brokerStream, token).ConfigureAwait(false) is null)
            {
                return;
            }

            var toBroker = clientStream.CopyToAsync(brokerStream, linked.Token);
            var toClient = brokerStream.CopyToAsync(clientStream, linked.Token);
            await Task.WhenAny(toBroker, toClient).ConfigureAwait(false);
            // Either side closing ends the Kafka connection; tear down the other direction too.
            await linked.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(toBroker, toClient).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
            // A client or the broker hung up (or a client failed the TLS handshake, e.g. spoke plaintext): normal
            // connection churn, nothing to report.
        }
        catch (FormatException e)
        {
            // Not Kafka framing before authentication (e.g. a TLS hello on a SASL_PLAINTEXT port): close, as Kafka does.
            Console.WriteLine($"zesrec-devbroker: SASL: closed a connection that sent a malformed request: {e.Message}");
        }
    }

    private Task[] OpenConnections()
    {
        lock (_connections)
        {
            Task[] open = [.. _connections];
            _connections.Clear();
            return open;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _serving.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _acceptLoop.ConfigureAwait(false);
        await Task.WhenAll(OpenConnections()).ConfigureAwait(false);
        _serving.Dispose();
        _stopping.Dispose();
    }
}
