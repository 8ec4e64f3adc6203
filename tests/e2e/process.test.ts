import { describe, it, expect } from 'vitest';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import { spawnServer } from '../helpers/process.ts';
import type { HallSnapshot, HallSummary } from '../../contracts/index.ts';

const reachable = (port: number) =>
  new Promise<boolean>((r) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      r(true);
    });
    s.once('error', () => r(false));
  });

/** The product as `npm start` runs it: embedded engines, demo city, simulator on; SIGTERM stops it cleanly. */
describe('server process on embedded defaults', () => {
  it('serves a live demo city and shuts down gracefully on SIGTERM', async () => {
    const srv = await spawnServer({ SIM: 'on', SIM_RATE: '3000' });
    const login = await fetch(`${srv.base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'leader', password: 'Demo#2026' }),
    });
    const { token } = (await login.json()) as { token: string };
    const halls = (await (
      await fetch(`${srv.base}/api/halls`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { halls: HallSummary[] };
    expect(halls.halls.length).toBe(5);
    // The simulator's ticket machines are taking tickets: the city hall's counts move.
    const snap = async () =>
      (await (
        await fetch(`${srv.base}/api/halls/h-city/snapshot`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as HallSnapshot;
    const end = Date.now() + 30_000;
    let s = await snap();
    while (s.queues.reduce((n, q) => n + q.issuedToday, 0) === 0 && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 300));
      s = await snap();
    }
    expect(s.queues.reduce((n, q) => n + q.issuedToday, 0)).toBeGreaterThan(0);
    expect(s.devices.filter((d) => d.online).length).toBeGreaterThan(0);

    const pg = JSON.parse(await readFile(path.join(srv.dataDir, 'postgres.json'), 'utf8')) as { port: number };
    expect(await reachable(pg.port)).toBe(true);
    const code = await srv.stop();
    expect(code).toBe(0);
    expect(srv.output.join('')).toContain('shutting down');
    // Our close() stopped the embedded PostgreSQL too: no server left behind.
    expect(await reachable(pg.port)).toBe(false);
  });
});
