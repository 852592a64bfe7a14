using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HubSimulator.Cloud;

/// <summary>
/// IoT Hub's limits on a twin's desired and reported documents (docs: "Understand and use device twins", twin size and
/// keys): each document at most 32 KB counted the hub's way, keys without <c>.</c>, <c>$</c>, spaces or control
/// characters and at most 1 KB, objects nested at most 10 deep. An operation that would break one is refused with 400.
/// </summary>
public static class TwinRules
{
    /// <summary>Largest desired or reported document, by <see cref="Size"/>.</summary>
    public const int MaxDocumentBytes = 32 * 1024;

    /// <summary>Deepest object nesting below the document.</summary>
    public const int MaxDepth = 10;

    /// <summary>Longest key, UTF-8 bytes.</summary>
    public const int MaxKeyBytes = 1024;

    /// <summary>IoT Hub's error code for a request it refuses as invalid (HTTP 400).</summary>
    public const int ArgumentInvalid = 400004;

    /// <summary>A refusal's body in the hub's error shape <c>{"errorCode":400004,"message":"..."}</c>.</summary>
    public static byte[] RefusalBody(string message) =>
        Encoding.UTF8.GetBytes(new JsonObject { ["errorCode"] = ArgumentInvalid, ["message"] = message }.ToJsonString());

    /// <summary>A device's reported patch as a JSON object, or null when it is not one.</summary>
    public static JsonObject? ParsePatch(ReadOnlySpan<byte> payload)
    {
        try
        {
            return JsonNode.Parse(payload) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The hub's size of a document: the UTF-8 length of every key, plus each value: strings their UTF-8 length, numbers
    /// 8, booleans 4, nested objects what they hold. Read-only <c>$version</c> and <c>$metadata</c> do not count.
    /// </summary>
    public static long Size(JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        long size = 0;
        foreach (var (key, value) in document)
        {
            if (key is "$version" or "$metadata")
            {
                continue;
            }

            size += Encoding.UTF8.GetByteCount(key) + ValueSize(value);
        }

        return size;
    }

    /// <summary>What is wrong with a patch's keys or depth (one line), or null.</summary>
    public static string? KeyProblem(JsonObject patch) => KeyProblem(patch, 1, "");

    /// <summary>What is wrong with a document after a patch (its size), or null.</summary>
    public static string? SizeProblem(JsonObject document, string side)
    {
        var size = Size(document);
        return size > MaxDocumentBytes
            ? $"the {side} properties would be {size} bytes, over IoT Hub's limit of {MaxDocumentBytes} bytes (32 KB) per document"
            : null;
    }

    static string? KeyProblem(JsonObject node, int depth, string path)
    {
        if (depth > MaxDepth)
        {
            return $"'{path}' nests objects deeper than IoT Hub's limit of {MaxDepth} levels";
        }

        foreach (var (key, value) in node)
        {
            if (depth == 1 && key == "$version")
            {
                continue; // a patch may carry the version it was made from; the hub sets the new one
            }

            var name = path.Length == 0 ? key : $"{path}.{key}";
            if (key.Length == 0 || key.IndexOfAny(['.', '$', ' ']) >= 0 || key.Any(char.IsControl) || Encoding.UTF8.GetByteCount(key) > MaxKeyBytes)
            {
                return $"key '{name}' is not allowed in a twin (IoT Hub keys: at most 1 KB, no '.', '$', space or control characters)";
            }

            if (value is JsonObject nested && KeyProblem(nested, depth + 1, name) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    static long ValueSize(JsonNode? value) => value switch
    {
        null => 0,
        JsonObject nested => Size(nested),
        JsonArray array => array.Sum(ValueSize),
        JsonValue scalar => scalar.GetValueKind() switch
        {
            JsonValueKind.String => Encoding.UTF8.GetByteCount(scalar.GetValue<string>().Where(c => !char.IsControl(c)).ToArray()),
            JsonValueKind.Number => 8,
            JsonValueKind.True or JsonValueKind.False => 4,
            _ => 0,
        },
        _ => 0,
    };
}
