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

    public static TheoryData<string> Shapes => ["reading", "bare", "large"];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ToAmqp_SameBytesAsTheLibrarysMessage(string shape)
    {
        var message = shape switch
        {
            "reading" => Reading,
            "bare" => Reading with { CreationTimeUtc = null, ContentType = null, ContentEncoding = null, ApplicationProperties = [], Body = "{}"u8.ToArray() },
            _ => Reading with // every length over 255 bytes: 32-bit sizes for the list, the map, a string and the body
            {
                MessageId = new string('m', 300),
                ApplicationProperties = [new("temperatureAlert", "false"), new("lieu", "Zürich " + new string('z', 300))],
            },
        };

        using var ours = AmqpTelemetry.ToAmqp(message);
        using var library = LibraryMessage(message);

        Assert.Equal(Bytes(library.GetPayload()), Bytes(ours.GetPayload()));
        Assert.Equal(library.SerializedMessageSize, ours.SerializedMessageSize);
    }

    [Fact]
    public void ToAmqp_DecodesToTheSameMessage()
    {
        using var sent = AmqpTelemetry.ToAmqp(Reading);
        using var received = AmqpMessage.CreateAmqpStreamMessage(new BufferListStream([new ArraySegment<byte>(Bytes(sent.GetPayload()))]));

        var (system, application, body) = AmqpTelemetry.FromAmqp(received);

        Assert.Equal(Reading.MessageId, system["$.mid"]);
        Assert.Equal("application/json", system["$.ct"]);
        Assert.Equal("utf-8", system["$.ce"]);
        Assert.Equal("2026-12-02T14:30:00.0000000Z", system["$.ctime"]);
        Assert.Equal([new("temperatureAlert", "true")], application);
        Assert.Equal(Reading.Body.ToArray(), body);
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
