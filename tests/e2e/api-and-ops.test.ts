import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer } from 'node:net';
import { spawnSync } from 'node:child_process';
import {
  startStack,
  provisionDevice,
  connectDevice,
  connectScreen,
  joinHall,
  login,
  api,
  until,
  type Stack,
} from '../helpers/stack.ts';
import type { HallSummary, HallSnapshot } from '../../contracts/index.ts';
import { topics } from '../../contracts/index.ts';

describe('REST, scope, presence and operations', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({ BROKER_HOOK_SECRET: 'a-long-enough-hook-secret', MQTT_USERNAME: 'hall-server' });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('lists only the halls a user may see (001 §1.1.1.17)', async () => {
    const halls = async (u: string) =>
      (await api<{ halls: HallSummary[] }>(s, 'GET', '/api/halls', undefined, await login(s, u))).body.halls.map(
        (h) => h.id,
      );
    expect(await halls('admin')).toEqual(['h-city', 'h-donghu', 'h-donghu-v', 'h-east', 'h-west']);
    expect(await halls('leader')).toHaveLength(5);
    expect(await halls('east-leader')).toEqual(['h-donghu', 'h-donghu-v', 'h-east']);
    expect(await halls('sup-east')).toEqual(['h-east']);
    const city = (
      await api<{ halls: HallSummary[] }>(s, 'GET', '/api/halls', undefined, await login(s, 'admin'))
    ).body.halls.find((h) => h.id === 'h-city')!;
    expect(city.items.map((i) => i.code)).toContain('GA-001');
  });

  it('a supervisor cannot read another hall, by REST or socket', async () => {
    const token = await login(s, 'sup-east');
    expect((await api(s, 'GET', '/api/halls/h-city/snapshot', undefined, token)).status).toBe(404);
    expect((await api<HallSnapshot>(s, 'GET', '/api/halls/h-east/snapshot', undefined, token)).body.hallId).toBe(
      'h-east',
    );
    const sock = await connectScreen(s, token);
    expect(await sock.emitWithAck('hall:join', { hallId: 'h-west' })).toMatchObject({
      ok: false,
      error: { code: 'HALL_ERR_FORBIDDEN' },
    });
    sock.close();
  });

  it('serves Socket.IO over HTTP long-polling too (browsers start there), beside the REST routes', async () => {
    const sock = await connectScreen(s, await login(s, 'sup-east'), ['polling']);
    expect((await joinHall(sock, 'h-east')).hallId).toBe('h-east');
    sock.close();
  });

  it('only a system admin provisions devices and only a security admin adds users; logout revokes the token', async () => {
    const sup = await login(s, 'sup-east');
    expect((await api(s, 'POST', '/api/devices', { hallId: 'h-east', kind: 'rater' }, sup)).status).toBe(403);
    const admin = await login(s, 'admin');
    expect((await api(s, 'POST', '/api/users', { role: 'supervisor', hallId: 'h-west' }, admin)).status).toBe(403);
    const security = await login(s, 'security');
    const u = await api<{ username: string; password: string }>(
      s,
      'POST',
      '/api/users',
      { role: 'supervisor', hallId: 'h-west' },
      security,
    );
    expect(u.status).toBe(201);
    const t = await login(s, u.body.username, u.body.password);
    expect((await api(s, 'GET', '/api/halls', undefined, t)).status).toBe(200);
    expect((await api(s, 'POST', '/api/auth/logout', undefined, t)).status).toBe(204);
    expect((await api(s, 'GET', '/api/halls', undefined, t)).status).toBe(401);
  });

  it('retained state and last will become online/offline events on the wall', async () => {
    const creds = await provisionDevice(s, 'h-west', 'camera', 'cam-west-1');
    const screen = await connectScreen(s, await login(s, 'admin'));
    await joinHall(screen, 'h-west');
    const cam = await connectDevice(s.app.mqttUrl, creds, {
      will: { topic: topics.state(creds), payload: Buffer.from('offline'), retain: true, qos: 1 },
    });
    await cam.client.publishAsync(topics.state(creds), 'online', { retain: true, qos: 1 });
    await until(() =>
      screen.deltas.find((d) => d.event.type === 'device.online' && d.event.data.deviceId === 'cam-west-1'),
    );
    // An unclean end (socket destroyed) fires the will.
    (cam.client as unknown as { stream: { destroy(): void } }).stream.destroy();
    await until(() =>
      screen.deltas.find((d) => d.event.type === 'device.offline' && d.event.data.deviceId === 'cam-west-1'),
    );
    const row = await s.app.db.query("SELECT online FROM devices WHERE id = 'cam-west-1'");
    expect(row.rows[0].online).toBe(false);
    const log = await s.app.db.query("SELECT state FROM device_state_log WHERE device_id = 'cam-west-1' ORDER BY at");
    expect(log.rows.map((r) => r.state)).toEqual(['online', 'offline']);
    cam.client.end(true);
    screen.close();
  });

  it('device status (paper out 缺纸) reaches the wall', async () => {
    const creds = await provisionDevice(s, 'h-west', 'ticketer', 'tk-west-paper');
    const screen = await connectScreen(s, await login(s, 'admin'));
    await joinHall(screen, 'h-west');
    const dev = await connectDevice(s.app.mqttUrl, creds);
    await dev.client.publishAsync(
      topics.up(creds, 'device.status'),
      JSON.stringify({ v: 1, id: 'st-1', ts: Date.now(), type: 'device.status', data: { paper: 'out' } }),
      { qos: 1 },
    );
    const d = await until(() => screen.deltas.find((x) => x.event.type === 'device.status'));
    expect(d.event.data).toMatchObject({ deviceId: 'tk-west-paper', status: { paper: 'out' } });
    await dev.close();
    screen.close();
  });

  // DOMAIN.md "Video channels": the system aggregates the analytics cameras publish (people counts per zone).
  it('people counts of a video channel reach the wall and, through the relay, ClickHouse; a redelivery counts once', async () => {
    const creds = await provisionDevice(s, 'h-west', 'camera', 'cam-west-count');
    const screen = await connectScreen(s, await login(s, 'admin'));
    await joinHall(screen, 'h-west');
    const dev = await connectDevice(s.app.mqttUrl, creds);
    const msg = JSON.stringify({
      v: 1,
      id: 'cnt-1',
      ts: Date.now(),
      type: 'camera.count',
      data: {
        zones: [
          { zone: 'waiting', people: 17 },
          { zone: 'entrance', people: 2 },
        ],
      },
    });
    await dev.client.publishAsync(topics.up(creds, 'camera.count'), msg, { qos: 1 });
    await dev.client.publishAsync(topics.up(creds, 'camera.count'), msg, { qos: 1 }); // the same message id again (QoS 1 redelivery)
    const d = await until(() => screen.deltas.find((x) => x.event.type === 'zone.counted'));
    expect(d.event.data).toEqual({
      deviceId: 'cam-west-count',
      zones: [
        { zone: 'waiting', people: 17 },
        { zone: 'entrance', people: 2 },
      ],
    });
    const rows = await until(async () => {
      const r = await (
        await s.app.analytics.client.query({
          query:
            "SELECT zone, people FROM zone_counts WHERE hall_id = 'h-west' AND device_id = 'cam-west-count' ORDER BY zone",
          format: 'JSONEachRow',
        })
      ).json<{ zone: string; people: number }>();
      return r.length > 0 ? r : undefined;
    });
    expect(rows).toEqual([
      { zone: 'entrance', people: 2 },
      { zone: 'waiting', people: 17 },
    ]);
    const outbox = await s.app.db.query(
      "SELECT count(*)::int AS n FROM outbox WHERE hall_id = 'h-west' AND type = 'zone.counted' AND payload->'data'->>'deviceId' = 'cam-west-count'",
    );
    expect(outbox.rows[0].n).toBe(1);
    await dev.close();
    screen.close();
  });

  it('health, readiness and Prometheus metrics with ingest counts and MQTT→socket latency', async () => {
    expect((await api(s, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await api(s, 'GET', '/readyz')).body).toMatchObject({
      status: 'ready',
      db: true,
      mqtt: true,
      clickhouse: true,
    });
    const m = (await api(s, 'GET', '/metrics')).text;
    expect(m).toContain('hall_ingest_messages_total{type="device.status",result="ok"}');
    expect(m).toMatch(/hall_mqtt_to_socket_seconds_count \d+/);
    expect(m).toContain('hall_refused_total');
  });

  it("answers an external broker's auth and ACL webhooks from the same registry", async () => {
    const creds = await provisionDevice(s, 'h-city', 'ticketer', 'tk-hook');
    const hook = (p: string, body: unknown, secret = 'a-long-enough-hook-secret') =>
      fetch(`${s.base}/api/broker/${p}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-broker-secret': secret },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    expect(
      (await hook('auth', { clientid: 'tk-hook', username: 'tk-hook', password: creds.password })).body,
    ).toMatchObject({ result: 'allow', ok: true });
    expect((await hook('auth', { clientid: 'tk-hook', username: 'tk-hook', password: 'wrong' })).body).toMatchObject({
      result: 'deny',
      ok: false,
    });
    expect(
      (await hook('auth', { clientid: 'someone-else', username: 'tk-hook', password: creds.password })).body,
    ).toMatchObject({ result: 'deny' });
    expect(
      (await hook('acl', { username: 'tk-hook', topic: topics.up(creds, 'ticket.request'), action: 'publish' })).body,
    ).toMatchObject({ result: 'allow' });
    expect(
      (
        await hook('acl', {
          username: 'tk-hook',
          topic: 'halls/h-city/ticketer/other/up/ticket.request',
          action: 'publish',
        })
      ).body,
    ).toMatchObject({ result: 'deny' });
    expect(
      (await hook('acl', { username: 'tk-hook', topic: topics.down(creds, 'ticket.issued'), acc: 1 })).body,
    ).toMatchObject({ result: 'allow' });
    expect((await hook('acl', { username: 'tk-hook', topic: '$SYS/broker/load', acc: 4 })).body).toMatchObject({
      result: 'deny',
    });
    expect(
      (await hook('acl', { username: 'hall-server', topic: 'halls/+/+/+/up/#', action: 'subscribe' })).body,
    ).toMatchObject({ result: 'allow' });
    expect(
      (await hook('auth', { username: 'tk-hook', password: creds.password }, 'wrong-secret-wrong-secret')).status,
    ).toBe(403);
  });
});

describe('start-up failures are coded and name the variable', () => {
  it('a bad value stops the process with HALL_ERR_CONFIG', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, HTTP_PORT: 'eighty' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('HALL_ERR_CONFIG');
    expect(r.stderr).toContain('HTTP_PORT');
  });

  it('a taken MQTT port names MQTT_PORT and MQTT_URL', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    await expect(startStack({ MQTT_PORT: String(port) })).rejects.toThrow(
      /MQTT_PORT[\s\S]*MQTT_URL|MQTT_URL[\s\S]*MQTT_PORT/,
    );
    blocker.close();
  });
});
