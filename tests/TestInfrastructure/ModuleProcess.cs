using System.Diagnostics;
using System.Threading.Channels;

namespace TestInfrastructure;

/// <summary>
/// Runs a program (the module, the simulator, a build of either) as its own process with the given environment, collecting
/// its output lines, so tests see exactly what a user sees: the log lines and the exit code.
/// </summary>
public sealed class ModuleProcess : IAsyncDisposable
{
    readonly Process process;
    readonly List<string> lines = [];
    readonly Channel<string> live = Channel.CreateUnbounded<string>();
    int openStreams = 2;

    ModuleProcess(Process process) => this.process = process;

    /// <summary>The process id.</summary>
    public int Id => process.Id;

    /// <summary>Every line written to stdout and stderr so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (lines)
            {
                return [.. lines];
            }
        }
    }

    /// <summary>All output so far, one string.</summary>
    public string Output => string.Join('\n', Lines);

    /// <summary>Starts <c>dotnet {assembly}</c> with <paramref name="environment"/> added to this process's.</summary>
    public static ModuleProcess Start(string assemblyPath, IReadOnlyDictionary<string, string?> environment, params string[] arguments) =>
        StartExecutable("dotnet", [assemblyPath, .. arguments], environment, Path.GetDirectoryName(assemblyPath)!);

    /// <summary>
    /// Starts any program (a self-contained build, an emulator running one, the SDK) with <paramref name="environment"/>
    /// added to this process's; a null value removes that variable.
    /// </summary>
    public static ModuleProcess StartExecutable(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(environment);
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var module = new ModuleProcess(process);
        process.OutputDataReceived += (_, e) => module.Append(e.Data);
        process.ErrorDataReceived += (_, e) => module.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return module;
    }

    void Append(string? line)
    {
        if (line is null)
        {
            // End of stdout or stderr: once both are closed no line can come, so waiting stops.
            if (Interlocked.Decrement(ref openStreams) == 0)
            {
                live.Writer.TryComplete();
            }

            return;
        }

        lock (lines)
        {
            lines.Add(line);
        }

        live.Writer.TryWrite(line);
    }

    /// <summary>Waits for the process to exit; returns its exit code, or fails with its output.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The process did not exit within {timeout}. Output:\n{Output}");
        }

        process.WaitForExit(); // drains the output readers
        return process.ExitCode;
    }

    /// <summary>Waits for an output line that satisfies <paramref name="match"/>; returns it.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(match);
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var line = await live.Reader.ReadAsync(deadline.Token);
                if (match(line))
                {
                    return line;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No matching line within {timeout}. Output:\n{Output}");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"The process exited without a matching line. Output:\n{Output}");
        }
    }

    /// <summary>Sends SIGTERM, as <c>docker stop</c> does.</summary>
    public void Terminate()
    {
        if (!process.HasExited)
        {
            Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
        }
    }

    /// <summary>Kills the process at once (SIGKILL).</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Kill();
        await process.WaitForExitAsync();
        process.Dispose();
    }
}
