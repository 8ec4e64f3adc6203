import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../server/domain/clock.ts';
import { connectScreen, joinHall, login, startStack, until, type Screen, type Stack } from '../helpers/stack.ts';

/**
 * The demo moves at any hour: `npm start` (SEED=demo, SIM=on, DEMO_PACE
 * unset → `always`) at 19:00 Beijing time, when the halls' windows are past
 * their office hours (DOMAIN.md), still shows lines form and move, and the
 * wall is told the pace ignores opening hours. The server's clock is set to
 * 19:00 Asia/Shanghai and runs on from there; the simulator reads the same
 * clock. The demo seed's queues take tickets 00:00–24:00 (seed-demo.ts), so
 * nothing of the halls' rules is bent for this.
 *
 * SIM_RATE 120 makes the bound meaningful: at `always` that is 2 arrivals a
 * second across the city; at the halls' evening rate (5 %) it would be 6 a
 * minute, about 9 in the 90 s allowed, far from the 30 asked. The test waits
 * for counts, never measures speed.
 */
describe('demo pace at 19:00 Beijing time', () => {
  let s: Stack;
  let screen: Screen | undefined;
  // Today 19:00 in Asia/Shanghai (UTC+8, no DST) = 11:00 UTC; the clock moves on in real time.
  const start = new Date();
  start.setUTCHours(11, 0, 0, 0);
  const offsetMs = start.getTime() - Date.now();
  const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };

  beforeAll(async () => {
    s = await startStack({ SEED: 'demo', SIM: 'on', SIM_RATE: '120' }, undefined, { clock });
  });
  afterAll(async () => {
    screen?.close();
    await s?.stop();
  });

  const count = async (sql: string) => (await s.app.db.query<{ n: number }>(sql)).rows[0]!.n;

  it('runs at the demo pace by default', () => {
    expect(s.app.config.DEMO_PACE).toBe('always');
  });

  it('issues and calls tickets at 19:00 within a bounded time', async () => {
    await until(async () => (await count('SELECT count(*)::int AS n FROM tickets')) >= 30, 90_000, 500);
    await until(
      async () => (await count('SELECT count(*)::int AS n FROM tickets WHERE called_at IS NOT NULL')) >= 10,
      60_000,
      500,
    );
    // They were taken in the halls' evening, by the server's clock, in the demo halls' real hall day.
    expect(
      await count(
        "SELECT count(*)::int AS n FROM tickets WHERE extract(hour FROM issued_at AT TIME ZONE 'Asia/Shanghai') <> 19",
      ),
    ).toBe(0);
    // More than one hall moves: the city's share is spread over every ticket machine.
    expect(await count('SELECT count(DISTINCT hall_id)::int AS n FROM tickets')).toBeGreaterThanOrEqual(3);
    // No queue refused a ticket for the hour: the demo seed's queues are open all day.
    expect(await count("SELECT count(*)::int AS n FROM dead_letters WHERE code = 'HALL_ERR_QUEUE_CLOSED'")).toBe(0);
  }, 180_000);

  it('tells the wall that the pace ignores opening hours', async () => {
    screen = await connectScreen(s, await login(s, 'sup-city'));
    const snap = await joinHall(screen, 'h-city');
    expect(snap.demoPace).toBe('always');
    expect(snap.queues.reduce((n, q) => n + q.issuedToday, 0)).toBeGreaterThan(0);
  });
});
