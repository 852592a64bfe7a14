using Microsoft.Azure.Amqp;
using Microsoft.Extensions.Logging;

namespace EdgeSensorModule.HubConnection.Amqp;

/// <summary>
/// Cloud-to-device messages over AMQP: logged by their message id and properties as the MQTT path logs them, and
/// completed (Accepted). The body is only counted, never decoded, so any body is safe; a message the library cannot
/// read is rejected with the reason, so the hub does not deliver it again.
/// </summary>
public sealed partial class AmqpHubClient
{
    void OnCloudToDevice(ReceivingAmqpLink link, AmqpMessage message)
    {
        using (message)
        {
            if (Decode(message, "cloud-to-device", AmqpCloudMessages.Summarize) is not { } summary)
            {
                link.RejectMessage(message, new InvalidDataException("undecodable message"));
                return;
            }

            link.AcceptMessage(message, batchable: false);
            var properties = summary.Properties.Length <= MaxLoggedProperties ? summary.Properties : summary.Properties[..MaxLoggedProperties] + "...";
            LogCloudToDevice(logger, summary.MessageId, summary.Bytes, properties);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cloud-to-device message {MessageId} ({Bytes} bytes) received and completed; properties: {Properties}")]
    private static partial void LogCloudToDevice(ILogger logger, string messageId, long bytes, string properties);
}
