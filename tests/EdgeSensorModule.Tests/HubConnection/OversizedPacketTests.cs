using System.Net.Security;
using TestInfrastructure;

namespace EdgeSensorModule.Tests.HubConnection;

/// <summary>
/// A trusted but hostile server that pushes a PUBLISH far beyond anything IoT Hub sends (issue 11 item 6): the module
/// must drop the connection on the packet's fixed header, before reading (or allocating) its body, and reconnect.
/// </summary>
[Trait(Tier.Name, Tier.Integration)]
public sealed class OversizedPacketTests : IDisposable
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    // 200 MB, the size of the reported attack; the body is never sent, so only the declared length can matter.
    const int DeclaredBytes = 200 * 1024 * 1024;

    readonly TestPki pki = new();
    readonly TaskCompletionSource firstConnectionClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    int sessions;

    [Fact]
    public async Task Module_ServerDeclaresAnOversizedPublish_DropsTheConnectionBeforeTheBodyAndReconnects()
    {
        await using var server = TlsTestServer.Start(pki, HostileSessionAsync);
        var device = pki.IssueDevice("flooded-device");
        await using var module = ModuleProcess.Start(ModuleEnvironment.Assembly, ModuleEnvironment.ForPfx(pki, device, "flooded-device", server.Port));

        await firstConnectionClosed.Task.WaitAsync(Patience);
        await server.WaitForHandshakeAsync(Patience);
        var reconnected = await server.WaitForHandshakeAsync(Patience);

        Assert.Equal(2, reconnected);
        var refusals = module.Lines.Where(l => l.Contains($"packet of {DeclaredBytes} bytes", StringComparison.Ordinal)).ToList();
        Assert.True(refusals.Count == 1, string.Join('\n', refusals));
    }

    /// <summary>
    /// First connection: CONNACK, then only the fixed header of a huge PUBLISH, and wait for the client to close.
    /// Later connections: silent.
    /// </summary>
    async Task HostileSessionAsync(SslStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        if (await stream.ReadAsync(buffer, cancellationToken) == 0 || Interlocked.Increment(ref sessions) > 1)
        {
            await TlsTestServer.Silent(stream, cancellationToken);
            return;
        }

        await stream.WriteAsync(MqttBytes.ConnAckAccepted, cancellationToken);
        await stream.WriteAsync(MqttBytes.PublishHeader(DeclaredBytes), cancellationToken);
        try
        {
            while (await stream.ReadAsync(buffer, cancellationToken) > 0)
            {
            }
        }
        finally
        {
            firstConnectionClosed.TrySetResult();
        }
    }

    public void Dispose() => pki.Dispose();
}
