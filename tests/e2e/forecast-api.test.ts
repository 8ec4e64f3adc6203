import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { api, login, startStack, type Stack } from '../helpers/stack.ts';
import { fixedClock } from '../../server/domain/clock.ts';
import { insertEvents, type EventRow } from '../../analytics/events-writer.ts';
import { runWindowOp } from '../../server/commands/window-ops.ts';
import { staffingAdvice } from '../../server/domain/models/index.ts';
import type { ForecastResponse } from '../../contracts/index.ts';

/**
 * The models on the screen (docs/models.md): the next-hour pressure forecast and
 * the staffing advice for a hall, from same-weekday same-hour history in
 * ClickHouse and the live line in PostgreSQL, worked out by hand.
 *
 * Now is Wednesday 2026-11-25 09:20 in the hall (01:20 UTC); the next hour
 * starts 10:00 (02:00 UTC). The same hour on the four Wednesdays before:
 * 20 tickets (last week), 10, closed (no ticket all day), 30.
 */
// DOMAIN.md "Indicators and models" (001): the pressure model (压力模型).
describe('forecast API: next-hour pressure and staffing advice', () => {
  let s: Stack;
  let token: string;
  const hall = 'h-east';
  const at = (iso: string, type: string, data: Record<string, unknown>, cols: Partial<EventRow> = {}): EventRow => ({
    hall_id: hall,
    seq: Math.floor(Math.random() * 1e9),
    type,
    at: iso,
    payload: JSON.stringify({ hallId: hall, type, at: iso, data }),
    ...cols,
  });

  beforeAll(async () => {
    s = await startStack({ RELAY_INTERVAL_MS: '0' }, undefined, { clock: fixedClock('2026-11-25T01:20:00.000Z') });
    token = await login(s, 'sup-east');
    const rows: EventRow[] = [];
    const week = (day: string, n: number) => {
      for (let i = 0; i < n; i++)
        rows.push(
          at(`${day}T02:${String(i % 60).padStart(2, '0')}:00.000Z`, 'ticket.issued', { ticketId: randomUUID() }),
        );
    };
    week('2026-11-18', 20);
    week('2026-11-11', 10);
    rows.push(at('2026-11-11T05:00:00.000Z', 'ticket.issued', { ticketId: randomUUID() })); // another hour of that day: not counted
    week('2026-10-28', 30);
    // Handling in the last 4 weeks: 3 and 5 minutes → mean 4.
    rows.push(at('2026-11-18T03:00:00.000Z', 'ticket.completed', { serviceMin: 3 }, { service_min: 3 }));
    rows.push(at('2026-11-11T03:00:00.000Z', 'ticket.completed', { serviceMin: 5 }, { service_min: 5 }));
    await insertEvents(s.app.analytics.client, rows, 'forecast-fixture');
    // Now: two windows open, one person waiting.
    const ws = (
      await s.app.db.query<{ id: string }>(
        'SELECT id FROM windows WHERE hall_id = $1 ORDER BY length(no), no LIMIT 2',
        [hall],
      )
    ).rows;
    for (const w of ws) await runWindowOp(s.app.queue, hall, w.id, { op: 'open' });
    const code = (
      await s.app.db.query<{ code: string }>('SELECT code FROM items WHERE hall_id = $1 ORDER BY code LIMIT 1', [hall])
    ).rows[0]!.code;
    await s.app.queue.run(hall, { type: 'take', ticketId: randomUUID(), itemCode: code });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("weights recent weeks, skips the closed one, and puts the load on the wall's scale", async () => {
    const r = await api<ForecastResponse>(s, 'GET', `/api/analytics/forecast?hall=${hall}`, undefined, token);
    expect(r.status, r.text).toBe(200);
    expect(r.body.hourStart).toBe('2026-11-25T02:00:00.000Z');
    const h = r.body.halls[0]!;
    expect(h).toMatchObject({
      hallId: hall,
      waitingNow: 1,
      openWindows: 2,
      windows: 8,
      serviceMin: 4,
      serviceFrom: 'history',
      history: [20, 10, null, 30],
    });
    // weights 4, 3, (closed), 1: (4·20 + 3·10 + 1·30) / 8 = 17.5; people 1 + 17.5 = 18.5; load 18.5 × 4 = 74; 74 / 2 windows = 37 min → 拥挤 (30–60)
    expect(h.forecast).toMatchObject({
      weeksUsed: 3,
      expectedWalkIns: 17.5,
      expectedArrivals: 17.5,
      loadMin: 74,
      clearMin: 37,
      level: 'crowded',
      labelZh: '拥挤',
    });
    const advice = staffingAdvice(
      { hallId: hall, arrivalsPerHour: 17.5, meanServiceMin: 4, windows: 8 },
      { targetP90Min: 30 },
    );
    expect(h.staffing.windows).toBe(advice.windows);
    expect(h.staffing.meetsTarget).toBe(true);
  });

  it('a tighter target never asks for fewer windows; bad input is a coded 400; another hall is a 404', async () => {
    const loose = await api<ForecastResponse>(
      s,
      'GET',
      `/api/analytics/forecast?hall=${hall}&targetP90Min=30`,
      undefined,
      token,
    );
    const tight = await api<ForecastResponse>(
      s,
      'GET',
      `/api/analytics/forecast?hall=${hall}&targetP90Min=0`,
      undefined,
      token,
    );
    expect(tight.body.halls[0]!.staffing.windows).toBeGreaterThanOrEqual(loose.body.halls[0]!.staffing.windows);
    expect((await api(s, 'GET', `/api/analytics/forecast?hall=${hall}&targetP90Min=-1`, undefined, token)).status).toBe(
      400,
    );
    expect((await api(s, 'GET', '/api/analytics/forecast?hall=h-west', undefined, token)).status).toBe(404);
  });
});
