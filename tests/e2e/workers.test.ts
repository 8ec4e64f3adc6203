import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import mqtt from 'mqtt';
import { io as ioClient, type Socket } from 'socket.io-client';
import { topics, type DeviceCredentials, type HallDelta, type HallSnapshot } from '../../contracts/index.ts';
import { applyDelta, deltaExactPart } from '../../contracts/apply-delta.ts';
import { hallSnapshot } from '../../server/store/halls-repo.ts';
import { createPool, type Db } from '../../server/store/pool.ts';
import { hallDay } from '../../server/domain/hall-time.ts';
import { spawnServer, type ServerProcess } from '../helpers/process.ts';

/**
 * WORKERS=2 on the embedded defaults (docs/scaling.md): one owner process (database, broker,
 * ingest, chDB) and one web process, sharing the port through the cluster primary. A ticket taken over
 * MQTT (the owner's ingest) reaches every wall in seq order whichever process holds its socket,
 * every wall equals a fresh snapshot read from PostgreSQL, ClickHouse answers through the owner,
 * and when the web process is killed its walls reconnect and are exact again.
 */
const HALL = 'h-city';

/**
 * What deltas determine (contracts/apply-delta.ts), less a device's `lastSeenAt`: the broker's
 * once-a-minute heartbeat writes it without an event, and a process's view refreshes it with the
 * server figures (queries/hall-views.ts), not at once.
 */
function exact(s: HallSnapshot): unknown {
  const e = deltaExactPart(s) as { devices: { lastSeenAt?: unknown }[] };
  return { ...e, devices: e.devices.map(({ lastSeenAt: _seen, ...d }) => d) };
}

interface Wall {
  socket: Socket;
  state: HallSnapshot | null;
  deltas: number;
  gaps: number;
  joins: number;
}

describe('several server processes on one box', () => {
  let srv: ServerProcess;
  let db: Db;
  let token: string;
  const walls: Wall[] = [];

  const post = async <T>(url: string, body: unknown, auth?: string) => {
    const r = await fetch(srv.base + url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
      body: JSON.stringify(body),
    });
    return (await r.json()) as T;
  };
  const until = async (cond: () => boolean | Promise<boolean>, ms = 45_000) => {
    const end = Date.now() + ms;
    while (!(await cond())) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const hallSeq = async () =>
    Number((await db.query<{ seq: string }>('SELECT seq FROM halls WHERE id = $1', [HALL])).rows[0]!.seq);
  const fresh = async () => (await hallSnapshot(db, HALL, hallDay(new Date(), 'Asia/Shanghai'), new Date()))!;

  /** A wall on the owner did not reconnect: it asks for a snapshot with the new device, as a wall would at its next resync. */
  async function rejoin(w: Wall): Promise<void> {
    const r = (await w.socket.emitWithAck('hall:resync', { hallId: HALL })) as { ok: boolean; data: HallSnapshot };
    if (r.ok) w.state = r.data;
  }

  function openWall(): Wall {
    const w: Wall = { socket: null as never, state: null, deltas: 0, gaps: 0, joins: 0 };
    const s = ioClient(srv.base, { auth: { token }, transports: ['websocket'], reconnectionDelay: 200 });
    const join = () => {
      void s
        .timeout(10_000)
        .emitWithAck('hall:join', { hallId: HALL })
        .then(
          (r: { ok: boolean; data: HallSnapshot }) => {
            if (r.ok) {
              w.state = r.data;
              w.joins++;
            } else setTimeout(join, 500); // a refusal (busy, rate) is retried as a wall would
          },
          () => setTimeout(join, 500),
        );
    };
    s.on('connect', join);
    // As the dashboard does (use-hall-socket.ts): a busy server says when to come back.
    s.on('connect_error', (e: Error & { data?: { retryAfterMs?: number } }) => {
      if (!s.active && e.data?.retryAfterMs) setTimeout(() => s.connect(), e.data.retryAfterMs);
    });
    s.on('hall:delta', (d: HallDelta) => {
      w.deltas++;
      if (!w.state) return;
      const out = applyDelta(w.state, d);
      if (out.kind === 'applied') w.state = out.state;
      else if (out.kind === 'gap') {
        w.gaps++;
        join();
      }
    });
    w.socket = s;
    walls.push(w);
    return w;
  }

  beforeAll(async () => {
    srv = await spawnServer({ WORKERS: '2', TOTP_REQUIRED_ROLES: 'none', DEMO_HISTORY_DAYS: '0' });
    // /readyz answers once the owner listens; the web process starts listening a moment later.
    await until(() => srv.output.join('').includes('"workers":2'), 60_000);
    const meta = JSON.parse(await readFile(path.join(srv.dataDir, 'postgres.json'), 'utf8')) as {
      port: number;
      user?: string;
      password: string;
    };
    // The server's own pool settings (dates and bigints parsed as the server reads them).
    db = createPool(
      `postgres://${meta.user ?? 'postgres'}:${encodeURIComponent(meta.password)}@127.0.0.1:${meta.port}/hall`,
      2,
    );
    token = (await post<{ token: string }>('/api/auth/login', { username: 'leader', password: 'Demo#2026' })).token;
  }, 120_000);
  afterAll(async () => {
    for (const w of walls) w.socket.close();
    await db?.end();
    const code = await srv?.stop();
    expect(code).toBe(0); // the primary stops the web process, then the owner, and exits 0
  });

  it('a ticket through the owner reaches walls on every process in order; each equals a fresh snapshot', async () => {
    // The device first: a device added later reaches a wall at its next resync, not as a delta.
    const admin = (await post<{ token: string }>('/api/auth/login', { username: 'admin', password: 'Demo#2026' }))
      .token;
    const creds = await post<DeviceCredentials>(
      '/api/devices',
      { hallId: HALL, kind: 'ticketer', deviceId: 'tk-workers' },
      admin,
    );
    const dev = await mqtt.connectAsync(`mqtt://127.0.0.1:${srv.mqttPort}`, {
      clientId: creds.deviceId,
      username: creds.username,
      password: creds.password,
      reconnectPeriod: 0,
    });
    for (let i = 0; i < 6; i++) openWall();
    await until(() => walls.every((w) => w.state !== null && w.state.devices.some((d) => d.id === 'tk-workers')));
    // Both processes hold walls: each has its own engine, whose socket ids count up from …AAAA.
    expect(walls.filter((w) => w.socket.id?.endsWith('AAAA')).length).toBe(2);
    let issued = 0;
    dev.on('message', () => issued++);
    try {
      await dev.subscribeAsync(topics.down(creds, 'ticket.issued'));
      for (let i = 0; i < 8; i++)
        await dev.publishAsync(
          topics.up(creds, 'ticket.request'),
          JSON.stringify({ v: 1, id: `w-${i}`, ts: Date.now(), type: 'ticket.request', data: { itemCode: 'ZH-001' } }),
          { qos: 1 },
        );
      await until(() => issued === 8); // the owner answered every request: all committed
      const last = await hallSeq();
      await until(() => walls.every((w) => w.state?.seq === last));
      const f = await fresh();
      for (const w of walls) expect(exact(w.state!)).toEqual(exact(f));
      expect(walls.reduce((n, w) => n + w.gaps, 0)).toBe(0);
      expect(f.recentTickets.length).toBeGreaterThanOrEqual(8);
    } finally {
      await dev.endAsync();
    }

    // The REST snapshot and ClickHouse reads answer on whichever process takes the request.
    for (let i = 0; i < 4; i++) {
      const r = await fetch(`${srv.base}/api/halls/${HALL}/snapshot`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(exact((await r.json()) as HallSnapshot)).toEqual(exact(await fresh()));
      const now = new Date();
      const q = new URLSearchParams({
        from: new Date(now.getTime() - 86_400_000).toISOString(),
        to: now.toISOString(),
      });
      const v = await fetch(`${srv.base}/api/indicators/values?${q}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(v.status).toBe(200);
    }
  }, 150_000);

  it('a killed web process: the primary starts another, its walls reconnect and are exact again', async () => {
    const admin = (await post<{ token: string }>('/api/auth/login', { username: 'admin', password: 'Demo#2026' }))
      .token;
    const creds = await post<DeviceCredentials>(
      '/api/devices',
      { hallId: HALL, kind: 'ticketer', deviceId: 'tk-workers-2' },
      admin,
    );
    const dev = await mqtt.connectAsync(`mqtt://127.0.0.1:${srv.mqttPort}`, {
      clientId: creds.deviceId,
      username: creds.username,
      password: creds.password,
      reconnectPeriod: 0,
    });
    let issued = 0;
    dev.on('message', () => issued++);
    try {
      await dev.subscribeAsync(topics.down(creds, 'ticket.issued'));
      // The primary's children: the owner and the web process (HALL_ROLE in their environment).
      const web = execFileSync('ps', ['-o', 'pid=', '--ppid', String(srv.proc.pid)], { encoding: 'utf8' })
        .split('\n')
        .map((x) => Number(x.trim()))
        .filter((pid) => pid > 0 && readFileSync(`/proc/${pid}/environ`, 'utf8').includes('HALL_ROLE=web'));
      expect(web).toHaveLength(1);
      const joinsBefore = walls.reduce((n, w) => n + w.joins, 0);
      process.kill(web[0]!, 'SIGKILL');
      // Round robin put half the walls on it: they reconnect (to the owner, or to the new web
      // process) and join again, with the device the earlier walls had not seen yet.
      await until(() => walls.reduce((n, w) => n + w.joins, 0) >= joinsBefore + 3);
      await until(() => walls.every((w) => w.socket.connected));
      for (const w of walls) if (!w.state?.devices.some((d) => d.id === 'tk-workers-2')) await rejoin(w);

      for (let i = 0; i < 4; i++)
        await dev.publishAsync(
          topics.up(creds, 'ticket.request'),
          JSON.stringify({ v: 1, id: `k-${i}`, ts: Date.now(), type: 'ticket.request', data: { itemCode: 'ZH-001' } }),
          { qos: 1 },
        );
      await until(() => issued === 4);
      const last = await hallSeq();
      await until(() => walls.every((w) => w.state?.seq === last));
      const f = await fresh();
      for (const w of walls) expect(exact(w.state!)).toEqual(exact(f));
    } finally {
      await dev.endAsync();
    }
  }, 150_000);
});
