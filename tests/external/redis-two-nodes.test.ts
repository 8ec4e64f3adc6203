import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { io as ioClient } from 'socket.io-client';
import { randomUUID } from 'node:crypto';
import mqtt from 'mqtt';
import { freshDatabase, requirePort, EXTERNAL } from '../helpers/external.ts';
import { spawnServer, type ServerProcess } from '../helpers/process.ts';
import { topics, type DeviceCredentials, type HallDelta } from '../../contracts/index.ts';
import { enrollTotp } from '../helpers/totp.ts';

/**
 * Two server processes on one PostgreSQL with REDIS_URL: a ticket taken
 * through node A reaches a screen on node B (Socket.IO Redis adapter), and
 * the hall's seq stays one sequence across both (DESIGN.md principle 2).
 */
describe('two server processes with Redis fan-out', () => {
  let a: ServerProcess, b: ServerProcess, db: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => {
    await requirePort(6379, 'Redis');
    db = await freshDatabase();
    const env = { DATABASE_URL: db.url, REDIS_URL: EXTERNAL.redisUrl };
    [a, b] = await Promise.all([spawnServer(env), spawnServer(env)]);
  });
  afterAll(async () => {
    const codes = await Promise.all([a?.stop(), b?.stop()]);
    await db?.drop();
    expect(codes).toEqual([0, 0]); // graceful shutdown exits 0
  });

  const post = async <T>(base: string, url: string, body: unknown, token?: string) => {
    const r = await fetch(base + url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return (await r.json()) as T;
  };

  it('a ticket through node A shows on node B, and seqs from both nodes form one sequence', async () => {
    const adminA = (
      await post<{ token: string }>(a.base, '/api/auth/login', { username: 'admin', password: 'Demo#2026' })
    ).token;
    await enrollTotp(a.base, adminA); // administrators enrol a one-time code at their first sign-in (docs/authentication.md)
    const supB = (
      await post<{ token: string }>(b.base, '/api/auth/login', { username: 'sup-city', password: 'Demo#2026' })
    ).token;
    const screen = ioClient(b.base, { auth: { token: supB }, transports: ['websocket'], reconnection: false });
    const deltas: HallDelta[] = [];
    screen.on('hall:delta', (d: HallDelta) => deltas.push(d));
    const join = await screen.emitWithAck('hall:join', { hallId: 'h-city' });
    expect(join.ok).toBe(true);

    const credsA = await post<DeviceCredentials>(
      a.base,
      '/api/devices',
      { hallId: 'h-city', kind: 'ticketer', deviceId: 'tk-node-a' },
      adminA,
    );
    const credsB = await post<DeviceCredentials>(
      a.base,
      '/api/devices',
      { hallId: 'h-city', kind: 'ticketer', deviceId: 'tk-node-b' },
      adminA,
    );
    const devA = await mqtt.connectAsync(`mqtt://127.0.0.1:${a.mqttPort}`, {
      clientId: credsA.deviceId,
      username: credsA.username,
      password: credsA.password,
      reconnectPeriod: 0,
    });
    const devB = await mqtt.connectAsync(`mqtt://127.0.0.1:${b.mqttPort}`, {
      clientId: credsB.deviceId,
      username: credsB.username,
      password: credsB.password,
      reconnectPeriod: 0,
    });
    const send = (c: mqtt.MqttClient, cr: DeviceCredentials) =>
      c.publishAsync(
        topics.up(cr, 'ticket.request'),
        JSON.stringify({
          v: 1,
          id: randomUUID(),
          ts: Date.now(),
          type: 'ticket.request',
          data: { itemCode: 'ZH-001' },
        }),
        { qos: 1 },
      );
    for (let i = 0; i < 10; i++) await Promise.all([send(devA, credsA), send(devB, credsB)]);

    const end = Date.now() + 15_000;
    while (deltas.filter((d) => d.event.type === 'ticket.issued').length < 20 && Date.now() < end)
      await new Promise((r) => setTimeout(r, 50));
    const tickets = deltas.filter((d) => d.event.type === 'ticket.issued');
    expect(tickets).toHaveLength(20);
    expect(new Set(tickets.map((d) => (d.event.data as { deviceId: string }).deviceId))).toEqual(
      new Set(['tk-node-a', 'tk-node-b']),
    );
    const seqs = deltas.map((d) => d.seq).sort((x, y) => x - y);
    expect(new Set(seqs).size).toBe(seqs.length);
    // Ticket numbers A001..A020 with no duplicate across the two processes.
    expect(new Set(tickets.map((d) => (d.event.data as { ticketNo: string }).ticketNo)).size).toBe(20);
    screen.close();
    await devA.endAsync();
    await devB.endAsync();
  });
});
