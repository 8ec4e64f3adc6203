import { readdir } from 'node:fs/promises';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import {
  startStack,
  provisionDevice,
  connectDevice,
  connectScreen,
  joinHall,
  login,
  until,
  type Stack,
} from '../helpers/stack.ts';
import { freshDatabase } from '../helpers/external.ts';

/** The same code on the external PostgreSQL server (127.0.0.1:5432 on the CI machine). */
describe('external PostgreSQL (DATABASE_URL)', () => {
  let s: Stack, db: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => {
    db = await freshDatabase();
    s = await startStack({ DATABASE_URL: db.url });
  });
  afterAll(async () => {
    await s?.stop();
    await db?.drop();
  });

  it('migrates, seeds, issues a ticket and shows it on the screen', async () => {
    const v = await s.app.db.query<{ server_version: string }>('SHOW server_version');
    expect(v.rows[0]!.server_version).not.toMatch(/^18\./); // not the embedded 18.x: the system server
    const dev = await connectDevice(s.app.mqttUrl, await provisionDevice(s, 'h-city', 'ticketer', 'tk-ext-1'));
    const screen = await connectScreen(s, await login(s, 'sup-city'));
    const snap = await joinHall(screen, 'h-city');
    const r = await dev.request('ticket.request', { itemCode: 'GA-002' });
    expect(r.data).toMatchObject({ ticketNo: 'B001', waitingAhead: 0 });
    const d = await until(() => screen.deltas.find((x) => x.event.type === 'ticket.issued'));
    expect(d.seq).toBe(snap.seq + 1);
    screen.close();
    await dev.close();
  });

  it('migrations are idempotent and a restart keeps the data', async () => {
    await s.restart();
    // Each migration file is recorded once, however often the server starts.
    const files = (await readdir(new URL('../../server/store/migrations/', import.meta.url))).filter((f) =>
      f.endsWith('.sql'),
    );
    const m = await s.app.db.query('SELECT name FROM schema_migrations ORDER BY name');
    expect(m.rows.map((r) => r.name)).toEqual(files.sort());
    const t = await s.app.db.query("SELECT ticket_no FROM tickets WHERE device_id = 'tk-ext-1'");
    expect(t.rows.map((r) => r.ticket_no)).toEqual(['B001']);
  });

  it('uses plain tables with BRIN indexes when TimescaleDB is absent', async () => {
    const ext = await s.app.db.query("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'");
    const idx = await s.app.db.query("SELECT indexdef FROM pg_indexes WHERE tablename = 'device_state_log'");
    if (ext.rowCount === 0) expect(idx.rows.map((r) => r.indexdef).join()).toMatch(/USING brin/);
    else
      expect(
        (
          await s.app.db.query(
            "SELECT 1 FROM timescaledb_information.hypertables WHERE hypertable_name = 'device_state_log'",
          )
        ).rowCount,
      ).toBe(1);
  });
});
