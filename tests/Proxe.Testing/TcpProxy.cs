using System.Net;
using System.Net.Sockets;

namespace Proxe.Testing;

/// <summary>
/// A loopback TCP forwarder in front of the shared PostgreSQL or RabbitMQ, so a test can take "the database" or
/// "the broker" away from the code under test without stopping the real server other tests use.
/// <see cref="Cut"/> drops every open connection and refuses new ones (connection refused, as when the server is down);
/// <see cref="Restore"/> listens again on the same port.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly string _upstreamHost;
    private readonly int _upstreamPort;
    private readonly Lock _gate = new();
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;
    private CancellationTokenSource _accepting = new();

    public TcpProxy(string upstreamHost, int upstreamPort)
    {
        _upstreamHost = upstreamHost;
        _upstreamPort = upstreamPort;
        Listen(0);
    }

    public int Port { get; private set; }

    public bool IsCut { get; private set; }

    /// <summary>The server "goes away": open connections are reset, new ones refused.</summary>
    public void Cut()
    {
        lock (_gate)
        {
            if (IsCut)
                return;
            IsCut = true;
            _accepting.Cancel();
            _listener?.Stop();
            _listener = null;
            foreach (var client in _open)
            {
                client.Client.LingerState = new LingerOption(true, 0); // RST, like a crashed server
                client.Dispose();
            }
            _open.Clear();
        }
    }

    /// <summary>The server is back on the same address.</summary>
    public void Restore()
    {
        lock (_gate)
        {
            if (!IsCut)
                return;
            Listen(Port);
            IsCut = false;
        }
    }

    private void Listen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _listener = listener;
        _accepting = new CancellationTokenSource();
        _ = AcceptAsync(listener, _accepting.Token);
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient downstream;
            try
            {
                downstream = await listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = ForwardAsync(downstream, cancellationToken);
        }
    }

    private async Task ForwardAsync(TcpClient downstream, CancellationToken cancellationToken)
    {
        var upstream = new TcpClient();
        lock (_gate)
        {
            if (IsCut)
            {
                downstream.Dispose();
                upstream.Dispose();
                return;
            }
            _open.Add(downstream);
            _open.Add(upstream);
        }
        try
        {
            await upstream.ConnectAsync(_upstreamHost, _upstreamPort, cancellationToken);
            var a = downstream.GetStream();
            var b = upstream.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, cancellationToken), b.CopyToAsync(a, cancellationToken));
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            lock (_gate)
            {
                _open.Remove(downstream);
                _open.Remove(upstream);
            }
            downstream.Dispose();
            upstream.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }
}
