using System.Globalization;
using System.Text;
using IotHub.Amqp;
using IotHub.Protocol;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;

namespace EdgeSensorModule.Tests.HubConnection.Amqp;

/// <summary>
/// The telemetry message is encoded once by the project (<see cref="EncodedAmqpMessage"/>); its bytes must be the ones
/// Microsoft.Azure.Amqp's own message would put on the wire for the same sections.
/// </summary>
public sealed class AmqpTelemetryEncodingTests
{
    static readonly HubMessage Reading = new(
        "3f2c4a1e-0b6d-4e8a-9c3f-5d7e8f9a0b1c",
        new DateTimeOffset(2026, 12, 2, 14, 30, 0, TimeSpan.Zero),
        "application/json",
        "utf-8",
        [new("temperatureAlert", "true")],
        Encoding.UTF8.GetBytes("{\"deviceId\":\"dev1\",\"temperature\":31.5,\"humidity\":40.0,\"note\":\"" + new string('x', 300) + "\"}"));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ToAmqp_SameBytesAsTheLibrarysMessage(bool withProperties)
    {
        var message = withProperties ? Reading : Reading with { CreationTimeUtc = null, ContentEncoding = null, ApplicationProperties = [] };

        using var ours = AmqpTelemetry.ToAmqp(message);
        using var library = LibraryMessage(message);

        Assert.Equal(Bytes(library.GetPayload()), Bytes(ours.GetPayload()));
        Assert.Equal(library.SerializedMessageSize, ours.SerializedMessageSize);
    }

    [Fact]
    public void GetPayload_InFrameSizedPieces_AddsUpToTheWholeMessage()
    {
        using var message = AmqpTelemetry.ToAmqp(Reading);
        var whole = Bytes(message.GetPayload());
        var pieces = new List<byte>();
        bool more;
        do
        {
            var piece = Bytes(message.GetPayload(100, out more));
            pieces.AddRange(piece);
            message.CompletePayload(piece.Length);
        }
        while (more);

        Assert.Equal(whole, pieces);
        Assert.True(whole.Length > 300);
    }

    /// <summary>The message as the library builds it from the same sections (what the module sent before).</summary>
    static AmqpMessage LibraryMessage(HubMessage message)
    {
        var amqp = AmqpMessage.Create(new Data { Value = new ArraySegment<byte>(message.Body.ToArray()) });
        amqp.Properties.MessageId = message.MessageId;
        if (message.ContentType is not null)
        {
            amqp.Properties.ContentType = message.ContentType;
        }

        if (message.ContentEncoding is not null)
        {
            amqp.Properties.ContentEncoding = message.ContentEncoding;
        }

        if (message.CreationTimeUtc is { } created)
        {
            amqp.ApplicationProperties.Map[AmqpTelemetry.CreationTimeProperty] = created.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        }

        foreach (var (key, value) in message.ApplicationProperties)
        {
            amqp.ApplicationProperties.Map[key] = value;
        }

        return amqp;
    }

    static byte[] Bytes(ArraySegment<byte>[] segments) => [.. segments.SelectMany(s => s)];
}
