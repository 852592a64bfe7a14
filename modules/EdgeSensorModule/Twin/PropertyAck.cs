namespace EdgeSensorModule.Twin;

/// <summary>
/// A Plug and Play writable-property acknowledgement, reported as
/// <c>{"name": {"value": v, "ac": code, "av": desiredVersion, "ad": "description"}}</c>.
/// </summary>
/// <param name="Name">The property, one of <see cref="WritablePropertyNames"/> or an unknown name being refused.</param>
/// <param name="Value">The value now in effect (the old one when the desired value was refused).</param>
/// <param name="Code">200 applied, 400 refused.</param>
/// <param name="Description">Why, in one sentence.</param>
public sealed record PropertyAck(string Name, System.Text.Json.Nodes.JsonNode? Value, int Code, string Description)
{
    /// <summary>Applied.</summary>
    public const int Applied = 200;

    /// <summary>Refused: bad type, out of range or unknown name.</summary>
    public const int Refused = 400;
}
