using System.Text;
using EdgeSensorModule.Outbox;
using IotHub.Protocol;
using Microsoft.Data.Sqlite;

namespace StoreComparison;

/// <summary>
/// The alternative a reviewer asks about: the same contract on SQLite in WAL mode. One row per pending reading;
/// AUTOINCREMENT never hands out an id twice (sqlite_sequence). <paramref name="synchronous"/> FULL syncs the WAL at
/// every commit (durable on power loss), NORMAL only at checkpoints (durable on a process crash).
/// </summary>
internal sealed class SqliteOutbox : IOutbox, IDisposable
{
    readonly SqliteConnection connection;
    readonly SqliteCommand insert;
    long next;

    public SqliteOutbox(string folder, string synchronous)
    {
        Directory.CreateDirectory(folder);
        connection = new SqliteConnection($"Data Source={Path.Combine(folder, "outbox.db")};Pooling=False");
        connection.Open();
        Execute($"PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous};");
        Execute("CREATE TABLE IF NOT EXISTS pending(id INTEGER PRIMARY KEY AUTOINCREMENT, mid TEXT NOT NULL, ctime INTEGER NOT NULL, ct TEXT, ce TEXT, props BLOB NOT NULL, body BLOB NOT NULL)");
        using (var seq = connection.CreateCommand())
        {
            seq.CommandText = "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name='pending'), -1)";
            next = (long)seq.ExecuteScalar()! + 1;
        }

        insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO pending(id, mid, ctime, ct, ce, props, body) VALUES ($id, $mid, $ctime, $ct, $ce, $props, $body)";
        foreach (var name in new[] { "$id", "$mid", "$ctime", "$ct", "$ce", "$props", "$body" })
        {
            insert.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
    }

    public int Count => (int)(long)Scalar("SELECT count(*) FROM pending")!;

    public long Dropped => 0;

    public OutboxMessage? Append(Func<long, HubMessage> create)
    {
        var message = create(next);
        var p = insert.Parameters;
        p[0].Value = next;
        p[1].Value = message.MessageId;
        p[2].Value = message.CreationTimeUtc?.UtcTicks ?? -1L;
        p[3].Value = (object?)message.ContentType ?? DBNull.Value;
        p[4].Value = (object?)message.ContentEncoding ?? DBNull.Value;
        p[5].Value = Encoding.UTF8.GetBytes(string.Join('\0', message.ApplicationProperties.SelectMany(kv => new[] { kv.Key, kv.Value })));
        p[6].Value = message.Body.ToArray();
        insert.ExecuteNonQuery();
        return new OutboxMessage(next++, message);
    }

    public IReadOnlyList<OutboxMessage> Pending(int max, IReadOnlySet<long> skip, PendingEnd from)
    {
        using var select = connection.CreateCommand();
        select.CommandText = $"SELECT id, mid, ctime, ct, ce, props, body FROM pending ORDER BY id {(from == PendingEnd.Oldest ? "ASC" : "DESC")} LIMIT $n";
        select.Parameters.AddWithValue("$n", (long)Math.Min(int.MaxValue, (long)max + skip.Count));
        using var reader = select.ExecuteReader();
        var messages = new List<OutboxMessage>();
        while (messages.Count < max && reader.Read())
        {
            var id = reader.GetInt64(0);
            if (skip.Contains(id))
            {
                continue;
            }

            var ticks = reader.GetInt64(2);
            var flat = Encoding.UTF8.GetString((byte[])reader[5]).Split('\0');
            var properties = flat.Length < 2 ? [] : flat.Chunk(2).Select(kv => new KeyValuePair<string, string>(kv[0], kv[1])).ToList();
            messages.Add(new OutboxMessage(id, new HubMessage(
                reader.GetString(1), ticks < 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                properties, (byte[])reader[6])));
        }

        return messages;
    }

    public void Acknowledge(IReadOnlyCollection<OutboxMessage> delivered)
    {
        using var transaction = connection.BeginTransaction();
        using var delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM pending WHERE id = $id";
        var id = delete.Parameters.Add(new SqliteParameter { ParameterName = "$id" });
        foreach (var message in delivered)
        {
            id.Value = message.SequenceNumber;
            delete.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    public void Dispose()
    {
        insert.Dispose();
        connection.Dispose();
    }

    void Execute(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    object? Scalar(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
