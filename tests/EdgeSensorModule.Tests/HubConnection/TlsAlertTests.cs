using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using EdgeSensorModule.HubConnection;
using EdgeSensorModule.Identity;
using IotHub.Certificates;
using TestInfrastructure;

namespace EdgeSensorModule.Tests.HubConnection;

/// <summary>
/// Pins how this runtime reports a TLS alert from the server (OpenSSL's error code in the exception's HResult), which
/// <see cref="TlsAlert"/> reads instead of the message text. If a runtime update changes it, this test says so.
/// </summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class TlsAlertTests
{
    const byte UnknownCa = 48;
    const byte ProtocolVersion = 70;
    const byte CertificateExpired = 45;

    [Fact]
    public async Task Find_ServerAnswersTheClientHelloWithAnAlert_ReadsTheAlertFromTheRuntimesErrorCode()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var server = AnswerWithAlertAsync(listener, UnknownCa);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        await using var tls = new SslStream(client.GetStream());

        var failure = await Assert.ThrowsAsync<AuthenticationException>(() => tls.AuthenticateAsClientAsync("localhost"));
        await server;

        Assert.Equal(new TlsAlert(UnknownCa), TlsAlert.Find(failure));
    }

    [Theory]
    [InlineData(UnknownCa, HubErrorCode.ClientCertificateRejected)]
    [InlineData(CertificateExpired, HubErrorCode.ClientCertificateExpired)]
    [InlineData(ProtocolVersion, HubErrorCode.ConnectionLost)]
    public async Task ConnectAsync_ServerAlertsDuringTheHandshake_IsClassifiedByTheAlert(byte alert, HubErrorCode expected)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var server = AnswerWithAlertAsync(listener, alert);
        using var identity = new ClientIdentitySource(new ClientIdentity(CertificateFactory.CreateSelfSignedDevice("alerted-device"), []));
        var connector = new TlsConnector("localhost", identity, null, "Device__TrustBundlePath");

        var error = await Assert.ThrowsAsync<HubException>(() => connector.ConnectAsync(listener.LocalEndpoint, CancellationToken.None));
        await server;

        Assert.Equal(expected, error.ErrorCode);
    }

    /// <summary>Reads the ClientHello, answers with one fatal alert record (RFC 8446 §5.1, §6) and closes.</summary>
    static async Task AnswerWithAlertAsync(TcpListener listener, byte description)
    {
        using var socket = await listener.AcceptSocketAsync();
        await socket.ReceiveAsync(new byte[4096]);
        byte[] alert = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, description];
        await socket.SendAsync(alert);
        socket.Shutdown(SocketShutdown.Send);
    }
}
