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
/// The pending readings' locations in ascending sequence order, in one array of structs: no object per reading.
/// Sequence numbers are issued in increasing order, so a new one goes at the end; a settled one becomes a tombstone
/// that is trimmed from either end at once (delivery drains the oldest and the newest) and compacted away when
/// tombstones outnumber the live entries (out-of-order acknowledgements within the in-flight window). The array
/// shrinks again when a backlog has drained.
/// </summary>
internal sealed class PendingIndex
{
    const int MinCapacity = 64;

    PendingLocation[] items = new PendingLocation[MinCapacity];
    int start;
    int end;

    /// <summary>Readings pending.</summary>
    public int Count { get; private set; }

    /// <summary>The oldest pending sequence number; the index must not be empty.</summary>
    public long Oldest => items[start].Sequence;

    /// <summary>Pending sequence numbers, oldest first. The index must not change during the enumeration.</summary>
    public IEnumerable<long> Ascending()
    {
        for (var i = start; i < end; i++)
        {
            if (!items[i].IsSettled)
            {
                yield return items[i].Sequence;
            }
        }
    }

    /// <summary>Pending sequence numbers, newest first. The index must not change during the enumeration.</summary>
    public IEnumerable<long> Descending()
    {
        for (var i = end - 1; i >= start; i--)
        {
            if (!items[i].IsSettled)
            {
                yield return items[i].Sequence;
            }
        }
    }

    public bool TryGet(long sequence, out PendingLocation location)
    {
        var index = Find(sequence);
        location = index >= 0 ? items[index] : default;
        return index >= 0 && !location.IsSettled;
    }

    /// <summary>Adds a reading that is not pending (a settled tombstone of the same number is replaced).</summary>
    public void Add(PendingLocation location)
    {
        MakeRoomAtEnd();
        var index = Find(location.Sequence);
        if (index >= 0)
        {
            if (!items[index].IsSettled)
            {
                throw new InvalidOperationException($"Sequence number {location.Sequence} is already pending.");
            }

            items[index] = location;
            Count++;
            return;
        }

        var at = ~index;
        Array.Copy(items, at, items, at + 1, end - at);
        items[at] = location;
        end++;
        Count++;
    }

    /// <summary>Settles a pending reading; false when it was not pending.</summary>
    public bool Remove(long sequence, out PendingLocation location)
    {
        var index = Find(sequence);
        location = index >= 0 ? items[index] : default;
        if (index < 0 || location.IsSettled)
        {
            return false;
        }

        items[index] = location.AsSettled();
        Count--;
        Trim();
        return true;
    }

    /// <summary>The position of <paramref name="sequence"/> in the array, or the complement of where it would go.</summary>
    int Find(long sequence)
    {
        if (end == start || items[end - 1].Sequence < sequence)
        {
            return ~end;
        }

        int low = start, high = end - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) >> 1);
            var found = items[middle].Sequence;
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
        while (start < end && items[start].IsSettled)
        {
            start++;
        }

        while (end > start && items[end - 1].IsSettled)
        {
            end--;
        }

        if (end - start > 2 * Count + MinCapacity)
        {
            Resize(items.Length); // tombstones outnumber the pending: keep only the pending
        }
        else if (items.Length > MinCapacity && end - start < items.Length / 4)
        {
            Resize(Math.Max(MinCapacity, items.Length / 2));
        }
    }

    void MakeRoomAtEnd()
    {
        if (end < items.Length)
        {
            return;
        }

        Resize(end - start < items.Length / 2 ? items.Length : items.Length * 2);
    }

    /// <summary>Moves the pending entries (tombstones left out) to the start of an array of <paramref name="capacity"/>.</summary>
    void Resize(int capacity)
    {
        var target = capacity == items.Length ? items : new PendingLocation[capacity];
        var written = 0;
        for (var i = start; i < end; i++)
        {
            if (!items[i].IsSettled)
            {
                target[written++] = items[i];
            }
        }

        Array.Clear(target, written, target.Length - written);
        (items, start, end) = (target, 0, written);
    }
}
