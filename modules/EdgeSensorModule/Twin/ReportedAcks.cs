using System.Text.Json.Nodes;

namespace EdgeSensorModule.Twin;

/// <summary>Builds the reported-properties patch that acknowledges a desired document (Plug and Play format).</summary>
public static class ReportedAcks
{
    /// <summary>
    /// <c>{"alertThreshold": {"value": 27, "ac": 200, "av": 4, "ad": "applied"}, ...}</c>; <c>av</c> is the desired
    /// <c>$version</c> acknowledged (0 when the document carried none).
    /// </summary>
    public static string ToPatchJson(IEnumerable<PropertyAck> acks, long? desiredVersion)
    {
        var patch = new JsonObject();
        foreach (var ack in acks)
        {
            patch[ack.Name] = new JsonObject
            {
                ["value"] = ack.Value?.DeepClone(),
                ["ac"] = ack.Code,
                ["av"] = desiredVersion ?? 0,
                ["ad"] = ack.Description,
            };
        }

        return patch.ToJsonString();
    }
}
