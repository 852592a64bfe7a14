namespace EdgeSensorModule.Outbox;

/// <summary>Where a pending reading is: its record in segment <see cref="Segment"/>, or only in memory (<see cref="InMemory"/>).</summary>
internal readonly record struct PendingLocation(long Sequence, long Segment, int Offset, int Length)
{
    /// <summary>The segment number of a reading the disk refused: it is held in memory until the disk takes it.</summary>
    public const long InMemory = -1;

    const int SettledOffset = -1;

    public bool IsInMemory => Segment == InMemory;

    internal bool IsSettled => Offset == SettledOffset;

    internal PendingLocation AsSettled() => this with { Offset = SettledOffset };
}

/// <summary>
/// The pending readings' locations in ascending sequence order, in pages of structs: no object per reading, and no
/// array on the large-object heap (a page is 48 KiB), so a growing backlog never copies the index into a larger array
/// nor leaves the outgrown ones for a full collection. Sequence numbers are issued in increasing order, so a new one
/// goes at the end; a settled one becomes a tombstone that is trimmed from either end at once (delivery drains the
/// oldest and the newest), whole pages are released as the ends move, and tombstones are compacted away when they
/// outnumber the live entries (out-of-order acknowledgements within the in-flight window).
/// </summary>
internal sealed class PendingIndex
{
    /// <summary>2,048 locations of 24 bytes: under the 85,000 bytes from which .NET puts an array on the large-object heap.</summary>
    const int PageBits = 11;
    const int PageSize = 1 << PageBits;
    const int PageMask = PageSize - 1;

    readonly List<PendingLocation[]> pages = [];

    /// <summary>The first and one past the last entry, counted from the first page's start; tombstones included.</summary>
    int start;
    int end;

    /// <summary>Readings pending.</summary>
    public int Count { get; private set; }

    /// <summary>The oldest pending sequence number; the index must not be empty.</summary>
    public long Oldest => At(start).Sequence;

    /// <summary>Pending sequence numbers, oldest first. The index must not change during the enumeration.</summary>
    public IEnumerable<long> Ascending()
    {
        for (var i = start; i < end; i++)
        {
            if (!At(i).IsSettled)
            {
                yield return At(i).Sequence;
            }
        }
    }

    /// <summary>Pending sequence numbers, newest first. The index must not change during the enumeration.</summary>
    public IEnumerable<long> Descending()
    {
        for (var i = end - 1; i >= start; i--)
        {
            if (!At(i).IsSettled)
            {
                yield return At(i).Sequence;
            }
        }
    }

    public bool TryGet(long sequence, out PendingLocation location)
    {
        var index = Find(sequence);
        location = index >= 0 ? At(index) : default;
        return index >= 0 && !location.IsSettled;
    }

    /// <summary>Adds a reading that is not pending (a settled tombstone of the same number is replaced).</summary>
    public void Add(PendingLocation location)
    {
        var index = Find(location.Sequence);
        if (index >= 0)
        {
            if (!At(index).IsSettled)
            {
                throw new InvalidOperationException($"Sequence number {location.Sequence} is already pending.");
            }

            At(index) = location;
            Count++;
            return;
        }

        if (end == pages.Count << PageBits)
        {
            pages.Add(new PendingLocation[PageSize]);
        }

        // Older than the newest (rare: only a reading written back out of order): shift the newer ones up by one.
        var at = ~index;
        for (var i = end; i > at; i--)
        {
            At(i) = At(i - 1);
        }

        At(at) = location;
        end++;
        Count++;
    }

    /// <summary>Settles a pending reading; false when it was not pending.</summary>
    public bool Remove(long sequence, out PendingLocation location)
    {
        var index = Find(sequence);
        location = index >= 0 ? At(index) : default;
        if (index < 0 || location.IsSettled)
        {
            return false;
        }

        At(index) = location.AsSettled();
        Count--;
        Trim();
        return true;
    }

    ref PendingLocation At(int index) => ref pages[index >> PageBits][index & PageMask];

    /// <summary>The position of <paramref name="sequence"/>, or the complement of where it would go.</summary>
    int Find(long sequence)
    {
        if (end == start || At(end - 1).Sequence < sequence)
        {
            return ~end;
        }

        int low = start, high = end - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) >> 1);
            var found = At(middle).Sequence;
            if (found == sequence)
            {
                return middle;
            }

            if (found < sequence)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return ~low;
    }

    void Trim()
    {
        while (start < end && At(start).IsSettled)
        {
            start++;
        }

        while (end > start && At(end - 1).IsSettled)
        {
            end--;
        }

        if (end - start > 2 * Count + PageSize)
        {
            Compact(); // tombstones outnumber the pending: keep only the pending
        }

        ReleasePages();
    }

    /// <summary>Moves the pending entries down over the tombstones between them.</summary>
    void Compact()
    {
        var written = start;
        for (var i = start; i < end; i++)
        {
            if (!At(i).IsSettled)
            {
                At(written++) = At(i);
            }
        }

        end = written;
    }

    /// <summary>Lets go of the pages before the first entry and after the last.</summary>
    void ReleasePages()
    {
        if (start == end)
        {
            pages.Clear();
            (start, end) = (0, 0);
            return;
        }

        var before = start >> PageBits;
        if (before > 0)
        {
            pages.RemoveRange(0, before);
            start -= before << PageBits;
            end -= before << PageBits;
        }

        var used = ((end - 1) >> PageBits) + 1;
        if (pages.Count > used)
        {
            pages.RemoveRange(used, pages.Count - used);
        }
    }
}
