import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startStack, provisionDevice, type Stack } from '../helpers/stack.ts';
import { recordPresence, recordStatus } from '../../server/commands/device-presence.ts';
import { findDevice, type DeviceIdentity } from '../../server/store/devices-repo.ts';

/**
 * Presence (retained state / last will) and status (paper out …) of one device
 * both write the device row and take the hall's seq. They must lock in the same
 * order (device row, then hall row): in the other order a ticket machine that
 * came online and reported its paper at once deadlocked, and PostgreSQL
 * aborted one of the two (seen with the demo simulator at start-up).
 */
describe('device presence and status lock in one order', () => {
  let s: Stack;
  let d: DeviceIdentity;
  beforeAll(async () => {
    s = await startStack();
    const creds = await provisionDevice(s, 'h-east', 'ticketer', 'tk-lock-order');
    d = (await findDevice(s.app.db, creds.deviceId))!;
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  it('many concurrent presence changes and status reports of one device: no deadlock, one seq each', async () => {
    const deps = { db: s.app.db, clock: s.clock };
    const seq0 = (await s.app.db.query<{ seq: number }>('SELECT seq FROM halls WHERE id = $1', ['h-east'])).rows[0]!
      .seq;
    const jobs: Promise<unknown>[] = [];
    for (let i = 0; i < 60; i++) {
      jobs.push(recordPresence(deps, d, i % 2 === 0));
      jobs.push(
        recordStatus(deps, d, randomUUID(), { paper: i % 3 === 0 ? 'low' : 'ok', printer: 'ok', reader: 'ok' }),
      );
    }
    const results = await Promise.allSettled(jobs);
    const failed = results
      .filter((r) => r.status === 'rejected')
      .map((r) => String((r as PromiseRejectedResult).reason));
    expect(failed).toEqual([]);
    const seqs = (
      await s.app.db.query<{ seq: number }>('SELECT seq FROM outbox WHERE hall_id = $1 AND seq > $2 ORDER BY seq', [
        'h-east',
        seq0,
      ])
    ).rows.map((r) => r.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seq0 + 1 + i));
    expect(seqs.length).toBeGreaterThanOrEqual(60); // every status is an event; presence only when it changes
  }, 120_000);
});
