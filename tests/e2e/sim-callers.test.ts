import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, until, type Stack } from '../helpers/stack.ts';

/**
 * `npm start` shows a living hall: with the simulator on, the
 * seeded callers' clerks sign in, open their windows and serve, so tickets
 * are not only taken but also called and completed — waiting counts go up
 * and down. Times are the simulator's own; the test only waits for effects.
 */
describe('simulated window callers', () => {
  let s: Stack;
  // The demo pace (DEMO_PACE=always) sends SIM_RATE at every hour: 150 a minute keeps every
  // window busy without drowning the callers' sign-ins on a small machine, whatever the hour.
  beforeAll(async () => {
    s = await startStack({ SIM: 'on', SIM_RATE: '150' });
  });
  afterAll(async () => {
    await s?.stop();
  });

  const count = async (sql: string) => (await s.app.db.query<{ n: number }>(sql)).rows[0]!.n;

  it('sign in on every seeded caller, call and complete tickets', async () => {
    // Every window of the city, district and town halls has a clerk signed in through its caller.
    await until(
      async () => (await count("SELECT count(*)::int AS n FROM window_staff WHERE via = 'caller'")) === 31,
      60_000,
      500,
    );
    await until(
      async () => (await count("SELECT count(*)::int AS n FROM tickets WHERE status = 'done'")) > 0,
      90_000,
      500,
    );
    const served = await s.app.db.query<{ username: string }>(
      "SELECT DISTINCT u.username FROM tickets t JOIN users u ON u.id = t.staff_user_id WHERE t.status = 'done'",
    );
    expect(served.rows.every((r) => r.username.startsWith('sim-clerk-'))).toBe(true);
    // Waiting went down as well as up: called tickets left the waiting line.
    expect(await count('SELECT count(*)::int AS n FROM tickets WHERE called_at IS NOT NULL')).toBeGreaterThan(0);
    // Nothing the simulated callers sent was malformed.
    expect(
      await count(
        "SELECT count(*)::int AS n FROM dead_letters WHERE device_id LIKE '%-caller-w%' AND code IN ('HALL_ERR_BAD_DATA', 'HALL_ERR_BAD_ENVELOPE', 'HALL_ERR_UNKNOWN_TYPE', 'HALL_ERR_INTERNAL')",
      ),
    ).toBe(0);
  }, 120_000);
});
