namespace EdgeSensorModule.Tests.Outbox;

/// <summary>Fills a (tiny) disk to the last byte with a file of its own.</summary>
internal static class DiskFiller
{
    public static async Task FillAsync(string folder)
    {
        await using var filler = new FileStream(Path.Combine(folder, "filler"), FileMode.Create);
        try
        {
            while (true)
            {
                await filler.WriteAsync(new byte[4096]);
                await filler.FlushAsync();
            }
        }
        catch (IOException)
        {
            // Full.
        }
    }
}
