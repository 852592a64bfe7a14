namespace EdgeSensorModule.HubConnection;

/// <summary>What to do when the hub refuses the device, whichever transport said so.</summary>
internal static class RefusalAdvice
{
    /// <summary>The fix for a device the hub does not authorize.</summary>
    public const string NotAuthorized =
        "register the device in IoT Hub as 'X.509 CA signed' with its CA uploaded and verified "
        + "(proof of possession), or as 'X.509 self-signed' with this certificate's thumbprint; through a gateway, make the edge device its parent.";
}
