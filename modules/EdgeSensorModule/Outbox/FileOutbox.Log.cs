using Microsoft.Extensions.Logging;

namespace EdgeSensorModule.Outbox;

/// <summary>What the outbox tells the operator.</summary>
public sealed partial class FileOutbox
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox at {Folder}: {Pending} readings pending from earlier runs, next messageId {Next} ({Segments} segment files)")]
    private static partial void LogOpened(ILogger logger, string folder, int pending, long next, int segments);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox: messageIds {First} to {Last} were reserved by a run that ended without closing the outbox (a crash, kill or power loss) and are never issued again; readings that run held only in memory carried some of them")]
    private static partial void LogIdsSkipped(ILogger logger, long first, long last);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox closed: {Kept} readings kept in '{Folder}' for the next start")]
    private static partial void LogClosed(ILogger logger, int kept, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox closed: {Kept} readings kept in '{Folder}' for the next start; {Lost} readings held only in memory (the disk refused them) are lost")]
    private static partial void LogClosedWithLoss(ILogger logger, int kept, string folder, int lost);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox file {Path}: skipped {Count} damaged bytes at offset {Offset} (a write torn by a crash or power loss); the intact records around them are kept")]
    private static partial void LogDamaged(ILogger logger, string path, long offset, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox full (Outbox__MaxMessages {MaxMessages}, Outbox__MaxBytes {MaxBytes}): dropped the oldest readings up to messageId {Newest}; {Total} dropped so far. Raise the limits or restore the connection")]
    private static partial void LogOverflow(ILogger logger, int maxMessages, long maxBytes, long newest, long total);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox has room again; {Total} readings were dropped in all")]
    private static partial void LogOverflowEnded(ILogger logger, long total);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox__Path: cannot write reading {Sequence} to '{Folder}': {Reason} Readings are kept in memory only (lost if the module restarts) until the disk takes them again: free space or give the volume more room")]
    private static partial void LogDiskWriteFailed(ILogger logger, string folder, long sequence, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox__Path: '{Folder}' takes readings again; {InMemory} readings taken meanwhile stay in memory until delivered")]
    private static partial void LogDiskWritableAgain(ILogger logger, string folder, int inMemory);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox__Path: cannot reserve messageId {Sequence} in '{Folder}': {Reason} No reading is taken until it can (a messageId is never issued twice): free space or make the folder writable")]
    private static partial void LogReservationFailed(ILogger logger, string folder, long sequence, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox__Path: '{Folder}' reserves messageIds again; readings are taken from messageId {Sequence} on")]
    private static partial void LogReservationWorks(ILogger logger, string folder, long sequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox__Path: '{Folder}' was deleted while the module ran; created it again and wrote the {Pending} pending readings back")]
    private static partial void LogFolderCreatedAgain(ILogger logger, string folder, int pending);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox__Path: '{Folder}' was deleted while the module ran and cannot be created again: {Reason} The {Pending} pending readings are kept in memory only (lost if the module stops) and no new reading is taken until it can")]
    private static partial void LogFolderLost(ILogger logger, string folder, string reason, int pending);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Outbox: could not record {Count} settled readings ({Reason}); they may be sent once more after a restart")]
    private static partial void LogSettleNotWritten(ILogger logger, int count, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox: could not delete the settled file {Path}: {Reason}")]
    private static partial void LogDeleteFailed(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox: reading {Sequence} in '{Folder}' can no longer be read and is dropped: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, long sequence, string folder, string reason);
}
