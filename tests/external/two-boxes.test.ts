import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startStack, provisionDevice, connectDevice, connectScreen, joinHall, login, until } from '../helpers/stack.ts';
import type { Stack, Screen, TestDevice } from '../helpers/stack.ts';
import { EXTERNAL, freshDatabase, requirePort } from '../helpers/external.ts';
import { spawnServer, type ServerProcess } from '../helpers/process.ts';
import { runWindowOp } from '../../server/commands/window-ops.ts';
import { signInWindow } from '../../server/store/window-staff-repo.ts';
import { hallSnapshot } from '../../server/store/halls-repo.ts';
import { hallDay } from '../../server/domain/hall-time.ts';
import { applyDelta, deltaExactPart } from '../../contracts/apply-delta.ts';
import type { HallDelta, HallSnapshot } from '../../contracts/index.ts';

/**
 * Beyond one box (docs/scaling.md "Several boxes"): two servers on the external PostgreSQL and
 * the external broker (Mosquitto, one shared subscription group), and NO Redis: each box serves
 * its walls from its own hall views, fed by NOTIFY hall_feed. Tickets come in over Mosquitto
 * (either box's ingest takes them), windows are operated through box A, and the wall on box B
 * sees every event once and in order and equals a fresh snapshot; so does box B's REST snapshot.
 */
const HALL = 'h-east';
const W = (n: number) => `${HALL}-w${n}`;

describe('two boxes on external PostgreSQL and Mosquitto, views from memory', () => {
  // Box A runs in this process (its queue service is driven directly); box B is its own process
  // (chDB allows one data directory per process).
  let a: Stack, b: ServerProcess, db: Awaited<ReturnType<typeof freshDatabase>>;
  let dev: TestDevice;
  let wall: Screen;
  const run = randomBytes(3).toString('hex');

  beforeAll(async () => {
    await requirePort(1883, 'Mosquitto');
    db = await freshDatabase();
    const env = { DATABASE_URL: db.url, MQTT_URL: EXTERNAL.mqttUrl, MQTT_SHARE_GROUP: `boxes-${run}` };
    a = await startStack(env); // migrates and seeds first
    b = await spawnServer(env);
  }, 120_000);
  afterAll(async () => {
    wall?.close();
    await dev?.close();
    expect(await b?.stop()).toBe(0);
    await a?.stop();
    await db?.drop();
  });

  it('a wall on box B follows operations made through box A and tickets taken over the broker', async () => {
    dev = await connectDevice(EXTERNAL.mqttUrl, await provisionDevice(a, HALL, 'ticketer', `tk-boxes-${run}`));
    // What the socket and sign-in helpers use of a stack.
    const boxB = { base: b.base, dataDir: b.dataDir, clock: { now: () => new Date() } } as Stack;
    wall = await connectScreen(boxB, await login(boxB, 'sup-east'));
    const joined: HallSnapshot = await joinHall(wall, HALL);

    for (let i = 0; i < 5; i++) await dev.request('ticket.request', { itemCode: 'ZH-001' });
    const staff = (await a.app.db.query<{ id: number }>("SELECT id FROM users WHERE username = 'staff-east'")).rows[0]!;
    await signInWindow(a.app.db, { windowId: W(1), userId: staff.id, via: 'console', at: new Date() });
    await runWindowOp(a.app.queue, HALL, W(1), { op: 'open' });
    await runWindowOp(a.app.queue, HALL, W(1), { op: 'next' });
    await runWindowOp(a.app.queue, HALL, W(1), { op: 'start' });
    await runWindowOp(a.app.queue, HALL, W(1), { op: 'complete', outcome: 'done' });
    await runWindowOp(a.app.queue, HALL, W(1), { op: 'next' });

    const last = Number(
      (await a.app.db.query<{ seq: string }>('SELECT seq FROM halls WHERE id = $1', [HALL])).rows[0]!.seq,
    );
    await until(() => wall.deltas.some((d) => d.seq === last));
    // Each seq once, in order, from the snapshot's on.
    const seqs = wall.deltas.map((d: HallDelta) => d.seq);
    expect(seqs).toEqual(Array.from({ length: last - joined.seq }, (_, i) => joined.seq + 1 + i));
    let state = joined;
    for (const d of wall.deltas) {
      const out = applyDelta(state, d);
      if (out.kind !== 'applied') throw new Error(`delta ${d.seq}: ${out.kind}`);
      state = out.state;
    }
    const fresh = (await hallSnapshot(a.app.db, HALL, hallDay(new Date(), 'Asia/Shanghai'), new Date()))!;
    expect(deltaExactPart(state)).toEqual(deltaExactPart(fresh));
    const types = new Set(wall.deltas.map((d) => d.event.type));
    for (const t of ['ticket.issued', 'window.opened', 'ticket.called', 'ticket.completed']) expect(types).toContain(t);

    // Box B's REST snapshot comes from its view, and agrees.
    const token = await login(boxB, 'sup-east');
    const r = await fetch(`${b.base}/api/halls/${HALL}/snapshot`, { headers: { authorization: `Bearer ${token}` } });
    expect(deltaExactPart((await r.json()) as HallSnapshot)).toEqual(deltaExactPart(fresh));
  }, 60_000);
});
