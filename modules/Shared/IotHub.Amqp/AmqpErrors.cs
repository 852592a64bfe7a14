using Microsoft.Azure.Amqp.Encoding;

namespace IotHub.Amqp;

/// <summary>The AMQP error conditions IoT Hub answers with (AMQP 1.0 §2.8.15 and the hub's own com.microsoft ones).</summary>
public static class AmqpErrors
{
    /// <summary>The device is not allowed (not registered, certificate refused).</summary>
    public static readonly AmqpSymbol UnauthorizedAccess = "amqp:unauthorized-access";

    /// <summary>The message is larger than the hub accepts.</summary>
    public static readonly AmqpSymbol MessageSizeExceeded = "amqp:link:message-size-exceeded";

    /// <summary>The link address is not one the device may use.</summary>
    public static readonly AmqpSymbol NotFound = "amqp:not-found";

    /// <summary>Throttled.</summary>
    public static readonly AmqpSymbol ResourceLimitExceeded = "amqp:resource-limit-exceeded";

    /// <summary>A newer connection of the same device took over (IoT Hub: one connection per device).</summary>
    public static readonly AmqpSymbol ConnectionForced = "amqp:connection:forced";

    /// <summary>The hub failed internally.</summary>
    public static readonly AmqpSymbol InternalError = "amqp:internal-error";

    /// <summary>The hub is busy (IoT Hub's own condition).</summary>
    public static readonly AmqpSymbol ServerBusy = "com.microsoft:server-busy";

    /// <summary>IoT Hub's throttling condition.</summary>
    public static readonly AmqpSymbol Throttled = "com.microsoft:iot-hub-throttled";

    /// <summary>An operation timed out at the hub.</summary>
    public static readonly AmqpSymbol Timeout = "com.microsoft:timeout";

    /// <summary>True for conditions that say "try again later": throttling, busy, internal failure, timeout.</summary>
    public static bool IsTransient(AmqpSymbol condition) =>
        condition.Equals(ResourceLimitExceeded) || condition.Equals(InternalError) || condition.Equals(ServerBusy)
        || condition.Equals(Throttled) || condition.Equals(Timeout) || condition.Equals(ConnectionForced);
}
