using System.Net.Http.Json;

namespace EndToEnd;

/// <summary>
/// Counts what the simulator has stored by asking its admin API (<c>GET /messages/count?atLeast=</c>, answered as soon as
/// that many are stored): a few requests per run instead of a log line per message for the simulator to write and the
/// harness to read. The simulator counts every device's messages; one contender sends at a time.
/// </summary>
internal sealed class StoredMessageCount(Uri admin) : IDisposable
{
    /// <summary>How long one request may wait on the simulator before it is asked again.</summary>
    const int WaitSeconds = 30;

    readonly HttpClient http = new() { BaseAddress = admin, Timeout = Timeout.InfiniteTimeSpan }; // deadlines are the callers'

    /// <summary>Messages waited for or drained so far: what the next wait counts from.</summary>
    long accountedFor;

    /// <summary>
    /// Waits for <paramref name="count"/> more messages; fails with how many came when they don't come in time, or when the
    /// simulator stops answering (it died: the run's failure report then keeps its log).
    /// </summary>
    public async Task WaitForAsync(int count, TimeSpan timeout)
    {
        var target = accountedFor + count;
        var seen = accountedFor;
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while ((seen = await CountAsync($"?atLeast={target}&timeoutSeconds={WaitSeconds}", deadline.Token)) < target)
            {
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"Received {await CountAsync("", CancellationToken.None) - accountedFor} of {count} messages within {timeout}.");
        }
        catch (HttpRequestException ex)
        {
            throw new TimeoutException($"Received {seen - accountedFor} of {count} messages, then the simulator stopped answering /messages/count: {ex.Message}", ex);
        }

        accountedFor = target;
    }

    /// <summary>How many were stored and not yet waited for.</summary>
    public async Task<int> DrainAsync()
    {
        var stored = await CountAsync("", CancellationToken.None);
        var extra = stored - accountedFor;
        accountedFor = stored;
        return checked((int)extra);
    }

    async Task<long> CountAsync(string query, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<CountAnswer>($"/messages/count{query}", cancellationToken) ?? throw new InvalidOperationException("The simulator answered null to /messages/count.")).Count;

    public void Dispose() => http.Dispose();

    /// <summary>The simulator's answer (its <c>MessageCountResponse</c>).</summary>
    sealed record CountAnswer(long Count);
}
