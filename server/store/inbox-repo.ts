import type { Db, Tx } from './pool.ts';

/**
 * Claims `(deviceId, msgId)` inside the command's transaction. A redelivery
 * (QoS 1 DUP, or the device retrying) finds the row and gets the first reply
 * again; a concurrent duplicate waits on the row lock and then sees it.
 */
export async function claimMessage(
  tx: Tx,
  deviceId: string,
  msgId: string,
): Promise<{ fresh: true } | { fresh: false; replyType: string | null; reply: unknown }> {
  const ins = await tx.query({
    name: 'inbox-claim',
    text: 'INSERT INTO inbox (device_id, msg_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
    values: [deviceId, msgId],
  });
  if (ins.rowCount === 1) return { fresh: true };
  const r = await tx.query<{ reply_type: string | null; reply: unknown }>(
    'SELECT reply_type, reply FROM inbox WHERE device_id = $1 AND msg_id = $2',
    [deviceId, msgId],
  );
  return { fresh: false, replyType: r.rows[0]?.reply_type ?? null, reply: r.rows[0]?.reply ?? null };
}

export async function storeReply(
  tx: Tx,
  deviceId: string,
  msgId: string,
  replyType: string,
  reply: unknown,
): Promise<void> {
  await tx.query('UPDATE inbox SET reply_type = $3, reply = $4 WHERE device_id = $1 AND msg_id = $2', [
    deviceId,
    msgId,
    replyType,
    JSON.stringify(reply),
  ]);
}

/** The stored reply of an earlier delivery, outside any transaction. */
export async function findReply(
  db: Db,
  deviceId: string,
  msgId: string,
): Promise<{ replyType: string | null; reply: unknown } | null> {
  const r = await db.query<{ reply_type: string | null; reply: unknown }>(
    'SELECT reply_type, reply FROM inbox WHERE device_id = $1 AND msg_id = $2',
    [deviceId, msgId],
  );
  const row = r.rows[0];
  return row ? { replyType: row.reply_type, reply: row.reply } : null;
}

/**
 * Deletes inbox rows received before `before`, a batch at a time so no long
 * lock or huge transaction builds up. The inbox exists for retries and QoS 1
 * redeliveries (docs/mqtt.md); a device retries within seconds, so rows past
 * the retention (INBOX_RETENTION_HOURS, default 24) only grow the table — by
 * every device message, tens of millions a day at full load. The BRIN index on
 * received_at finds them. Returns how many were deleted.
 */
export async function pruneInbox(db: Db, before: Date, batch = 5000): Promise<number> {
  let total = 0;
  for (;;) {
    const r = await db.query({
      name: 'inbox-prune',
      text: 'DELETE FROM inbox WHERE ctid = ANY (ARRAY(SELECT ctid FROM inbox WHERE received_at < $1 LIMIT $2))',
      values: [before, batch],
    });
    total += r.rowCount ?? 0;
    if ((r.rowCount ?? 0) < batch) return total;
  }
}
