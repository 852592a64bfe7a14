using System.Text;
using EdgeSensorModule.HubConnection;
using EdgeSensorModule.HubConnection.Amqp;
using IotHub.Amqp;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Encoding;
using Microsoft.Azure.Amqp.Framing;

namespace EdgeSensorModule.Tests.HubConnection.Amqp;

/// <summary>
/// The twin, methods and C2D messages as the module writes and reads them, each passed through the AMQP encoding
/// (as a hub would receive or send it), against the SDKs' conventions in AmqpCloudLinks.
/// </summary>
public sealed class AmqpCloudMessagesTests
{
    [Fact]
    public void TwinRequest_Get_CarriesItsCorrelationIdAndTheOperationAsASymbolAnnotationWithoutResource()
    {
        var correlationId = AmqpCloudMessages.NewCorrelationId(AmqpCloudLinks.TwinOperations.Get);

        using var sent = Wire(AmqpCloudMessages.TwinRequest(AmqpCloudLinks.TwinOperations.Get, null, correlationId, null));

        Assert.StartsWith("GET", correlationId, StringComparison.Ordinal);
        Assert.Equal(correlationId, sent.Properties.CorrelationId.ToString());
        Assert.Equal("GET", sent.MessageAnnotations.Map[(AmqpSymbol)"operation"]);
        Assert.Null(sent.MessageAnnotations.Map[(AmqpSymbol)"resource"]);
        Assert.Empty(AmqpMessageBody.Read(sent));
    }

    [Fact]
    public void TwinRequest_PatchReported_CarriesTheResourceAndTheJsonAsItsBody()
    {
        using var sent = Wire(AmqpCloudMessages.TwinRequest("PATCH", AmqpCloudLinks.ReportedResource, "PATCHab", """{"a":1}"""));

        Assert.Equal("PATCH", sent.MessageAnnotations.Map[(AmqpSymbol)"operation"]);
        Assert.Equal("/properties/reported", sent.MessageAnnotations.Map[(AmqpSymbol)"resource"]);
        Assert.Equal("""{"a":1}""", Encoding.UTF8.GetString(AmqpMessageBody.Read(sent)));
    }

    [Fact]
    public void NewCorrelationId_TwoRequests_Differ()
    {
        Assert.NotEqual(AmqpCloudMessages.NewCorrelationId("GET"), AmqpCloudMessages.NewCorrelationId("GET"));
    }

    [Fact]
    public void ReadTwin_AnswerWithIntStatusAndLongVersion_ReturnsItsCorrelationIdStatusVersionAndBody()
    {
        var answer = AmqpMessage.Create(new Data { Value = new ArraySegment<byte>("""{"desired":{"$version":3}}"""u8.ToArray()) });
        answer.Properties.CorrelationId = "GET42";
        answer.MessageAnnotations.Map[(AmqpSymbol)"status"] = 200;
        answer.MessageAnnotations.Map[(AmqpSymbol)"version"] = 7L;

        using var received = Wire(answer);
        var read = AmqpCloudMessages.ReadTwin(received);

        Assert.Equal(new TwinAnswer("GET42", 200, 7, """{"desired":{"$version":3}}"""), read);
    }

    [Fact]
    public void ReadTwin_MessageWithoutCorrelationId_IsADesiredPushWithItsPatch()
    {
        var push = AmqpMessage.Create(new Data { Value = new ArraySegment<byte>("""{"alertThreshold":25,"$version":4}"""u8.ToArray()) });

        using var received = Wire(push);
        var read = AmqpCloudMessages.ReadTwin(received);

        Assert.Null(read.CorrelationId);
        Assert.Null(read.Status);
        Assert.Equal("""{"alertThreshold":25,"$version":4}""", read.Body);
    }

    [Fact]
    public void ReadTwin_StatusNotAnInteger_IsNoStatus()
    {
        var answer = AmqpMessage.Create();
        answer.Properties.CorrelationId = "PUT1";
        answer.MessageAnnotations.Map[(AmqpSymbol)"status"] = "200";

        using var received = Wire(answer);

        Assert.Null(AmqpCloudMessages.ReadTwin(received).Status);
    }

    [Fact]
    public void MethodResponse_ToACallWithAUuidCorrelationId_CarriesTheSameUuidAndTheStatusAsAnInt()
    {
        var requestId = Guid.NewGuid();
        var request = AmqpMessage.Create(new Data { Value = new ArraySegment<byte>("""{"delay":1}"""u8.ToArray()) });
        request.Properties.CorrelationId = requestId;
        request.ApplicationProperties.Map["IoThub-methodname"] = "readNow";

        using var receivedCall = Wire(request);
        var call = AmqpCloudMessages.ReadMethodCall(receivedCall);
        using var response = Wire(AmqpCloudMessages.MethodResponse(call.CorrelationId!, new MethodAnswer(200, """{"ok":true}""")));

        Assert.Equal("readNow", call.Name);
        Assert.Equal("""{"delay":1}""", Encoding.UTF8.GetString(call.Payload));
        Assert.Equal(requestId.ToString(), response.Properties.CorrelationId.ToString());
        Assert.Equal(receivedCall.Properties.CorrelationId.GetType(), response.Properties.CorrelationId.GetType());
        Assert.Equal(200, response.ApplicationProperties.Map["IoThub-status"]);
        Assert.Equal("""{"ok":true}""", Encoding.UTF8.GetString(AmqpMessageBody.Read(response)));
    }

    [Fact]
    public void ReadMethodCall_WithoutMethodNameOrCorrelationId_ReportsBothMissing()
    {
        using var received = Wire(AmqpMessage.Create(new Data { Value = new ArraySegment<byte>("{}"u8.ToArray()) }));

        var call = AmqpCloudMessages.ReadMethodCall(received);

        Assert.Null(call.Name);
        Assert.Null(call.CorrelationId);
    }

    [Fact]
    public void Summarize_CloudToDeviceWithBinaryBodyAndProperties_GivesItsIdSizeAndPropertiesUnderTheirMqttNames()
    {
        var message = AmqpMessage.Create(new Data { Value = new ArraySegment<byte>([0xFF, 0x00, 0xC3, 0x28]) });
        message.Properties.MessageId = "c2d-1";
        message.Properties.To = "/devices/d/messages/devicebound";
        message.ApplicationProperties.Map["kind"] = "test";

        using var received = Wire(message);
        var summary = AmqpCloudMessages.Summarize(received);

        Assert.Equal("c2d-1", summary.MessageId);
        Assert.Equal(4, summary.Bytes);
        Assert.Equal("$.to=/devices/d/messages/devicebound, kind=test", summary.Properties);
    }

    [Fact]
    public void Summarize_CloudToDeviceWithNoBodyAndNoId_IsZeroBytesWithoutId()
    {
        var message = AmqpMessage.Create();
        message.ApplicationProperties.Map["kind"] = "empty";

        using var received = Wire(message);
        var summary = AmqpCloudMessages.Summarize(received);

        Assert.Equal(new CloudToDeviceSummary("(none)", 0, "kind=empty"), summary);
    }

    [Fact]
    public void Body_AmqpValueString_IsItsUtf8Bytes()
    {
        using var received = Wire(AmqpMessage.Create(new AmqpValue { Value = "héllo" }));

        Assert.Equal("héllo"u8.ToArray(), AmqpMessageBody.Read(received));
    }

    /// <summary>The message as the other side decodes it from the wire.</summary>
    static AmqpMessage Wire(AmqpMessage message)
    {
        using (message)
        {
            var bytes = message.GetPayload().SelectMany(s => s.ToArray()).ToArray();
            return AmqpMessage.CreateAmqpStreamMessage(new BufferListStream([new ArraySegment<byte>(bytes)]));
        }
    }
}
