import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startStack, provisionDevice, connectDevice, type Stack, type TestDevice } from '../helpers/stack.ts';
import { pruneInbox } from '../../server/store/inbox-repo.ts';

/**
 * The inbox keeps each processed device message id with its first reply, for
 * retries and QoS 1 redeliveries (docs/mqtt.md). Past INBOX_RETENTION_HOURS
 * the rows only grow the table; the server prunes them (every 10 minutes and
 * via app.pruneInbox()). A redelivery inside the retention still gets the
 * first reply.
 */
describe('inbox retention', () => {
  let s: Stack;
  let dev: TestDevice;
  beforeAll(async () => {
    s = await startStack({ INBOX_RETENTION_HOURS: '24' });
    dev = await connectDevice(s.app.mqttUrl, await provisionDevice(s, 'h-east', 'ticketer', 'tk-inbox'));
  }, 120_000);
  afterAll(async () => {
    await dev?.close();
    await s?.stop();
  });

  const count = async () =>
    (await s.app.db.query<{ n: number }>("SELECT count(*)::int AS n FROM inbox WHERE device_id = 'tk-inbox'")).rows[0]!
      .n;

  it('deletes rows past the retention, keeps recent ones, and a redelivery inside it still gets the first reply', async () => {
    const id = randomUUID();
    const first = await dev.request('ticket.request', { itemCode: 'ZH-001' }, id);
    // Five old message ids, two days back.
    for (let i = 0; i < 5; i++) {
      await s.app.db.query(
        "INSERT INTO inbox (device_id, msg_id, received_at, reply_type, reply) VALUES ('tk-inbox', $1, now() - interval '2 days', 'ticket.issued', '{}')",
        [`old-${i}`],
      );
    }
    expect(await count()).toBe(6);
    expect(await s.app.pruneInbox()).toBe(5);
    expect(await count()).toBe(1);
    const again = await dev.request('ticket.request', { itemCode: 'ZH-001' }, id);
    expect(again.data).toEqual(first.data);
    expect(await s.app.pruneInbox()).toBe(0);
  });

  it('prunes in batches until nothing old is left', async () => {
    for (let i = 0; i < 7; i++) {
      await s.app.db.query(
        "INSERT INTO inbox (device_id, msg_id, received_at) VALUES ('tk-inbox', $1, now() - interval '3 days')",
        [`batch-${i}`],
      );
    }
    expect(await pruneInbox(s.app.db, new Date(Date.now() - 86_400_000), 2)).toBe(7);
    expect(await count()).toBe(1);
  });
});
