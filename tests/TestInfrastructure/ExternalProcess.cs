using System.Diagnostics;

namespace TestInfrastructure;

/// <summary>What a third-party program did: its exit code and its output.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Output">stdout and stderr, in order of arrival.</param>
public sealed record ExternalResult(int ExitCode, string Output);

/// <summary>Runs a third-party program (mosquitto_pub, openssl, node) to completion with a deadline.</summary>
public static class ExternalProcess
{
    /// <summary>Runs <paramref name="program"/> (found on PATH, else fails with <paramref name="installHint"/>).</summary>
    public static async Task<ExternalResult> RunAsync(
        string program, string installHint, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null, string? standardInput = null)
    {
        var start = new ProcessStartInfo(RequiredTool.Find(program, installHint), arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
            process.StandardInput.Close();
        }

        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish within {timeout}. Output:\n{Text(output)}");
        }

        process.WaitForExit();
        return new ExternalResult(process.ExitCode, Text(output));
    }

    static void Append(System.Text.StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    static string Text(System.Text.StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}

/// <summary>mosquitto_pub as an independent MQTT client with a TLS client certificate (Debian mosquitto-clients).</summary>
public static class MosquittoPub
{
    /// <summary>The install command when it is missing.</summary>
    public const string InstallHint = "apt-get install -y mosquitto-clients";

    /// <summary>Publishes one message as <paramref name="clientId"/> with <paramref name="username"/>.</summary>
    public static Task<ExternalResult> PublishAsync(
        int port, string caFile, string certFile, string keyFile, string clientId, string username, string topic, string message, int qos = 1) =>
        ExternalProcess.RunAsync("mosquitto_pub", InstallHint,
            ["-h", "localhost", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-V", "mqttv311",
             "--cafile", caFile, "--cert", certFile, "--key", keyFile, "-i", clientId, "-u", username,
             "-t", topic, "-q", qos.ToString(System.Globalization.CultureInfo.InvariantCulture), "-s"],
            TimeSpan.FromSeconds(20), standardInput: message);
}
