import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { request as httpsRequest } from 'node:https';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { io as ioClient } from 'socket.io-client';
import { startStack, provisionDevice, connectDevice, login, api, until, type Stack } from '../helpers/stack.ts';
import { makeTestCert, type TestCert } from '../helpers/tls-cert.ts';
import { addUser } from '../../server/store/users-repo.ts';
import { addDevice } from '../../server/store/devices-repo.ts';
import { DEMO_PASSWORD } from '../../server/store/seed-demo.ts';
import { topics, type DeviceCredentials, type DeviceInfo, type HallSnapshot } from '../../contracts/index.ts';

const run = promisify(execFile);

/** Resolves on the client's 'close' (a cut connection may emit 'error' first). */
const closeOf = (c: MqttClient) => new Promise<void>((resolve) => c.once('close', () => resolve()));

/** Resolves with the CONNACK code of a refused connection, or a text when the connection just failed. */
function refusal(url: string, o: IClientOptions): Promise<number | string> {
  const c = mqtt.connect(url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000, ...o });
  return new Promise<number | string>((resolve) => {
    c.once('connect', () => resolve('connected'));
    c.once('error', (e: Error & { code?: number | string }) =>
      resolve(typeof e.code === 'number' ? e.code : e.message),
    );
    c.once('close', () => resolve('closed'));
  }).finally(() => c.end(true));
}

const credsOf = (c: DeviceCredentials): IClientOptions => ({
  clientId: c.deviceId,
  username: c.username,
  password: c.password,
});

async function auditRows(
  s: Stack,
  action: string,
  target: string,
): Promise<{ username: string | null; role: string | null; result: string; detail: Record<string, unknown> }[]> {
  const r = await s.app.db.query(
    'SELECT username, role, result, detail FROM audit_log WHERE action = $1 AND target = $2 ORDER BY id',
    [action, target],
  );
  return r.rows;
}

describe('device credentials: list, rotate, revoke (issue 3)', () => {
  let s: Stack;
  let admin: string;
  const list = async (query = '', token = admin) =>
    api<{ devices: DeviceInfo[] }>(s, 'GET', `/api/devices${query}`, undefined, token);

  beforeAll(async () => {
    s = await startStack();
    admin = await login(s, 'admin');
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('lists devices of the halls in scope with online, last seen, rotated and revoked; never a secret', async () => {
    const creds = await provisionDevice(s, 'h-east', 'rater', 'ds-rater-1');
    expect((await auditRows(s, 'device.add', 'device:ds-rater-1'))[0]).toMatchObject({
      username: 'admin',
      result: 'ok',
    });
    let row = (await list('?hallId=h-east')).body.devices.find((d) => d.deviceId === 'ds-rater-1')!;
    expect(row).toMatchObject({
      hallId: 'h-east',
      kind: 'rater',
      online: false,
      lastSeenAt: null,
      secretRotatedAt: null,
      revokedAt: null,
      revokedBy: null,
    });

    const dev = await connectDevice(s.app.mqttUrl, creds);
    await dev.client.publishAsync(topics.state(creds), 'online', { retain: true, qos: 1 });
    // The broker marks last_seen_at on connect (then at most once a minute); the ingest records presence.
    row = await until(async () =>
      (await list('?hallId=h-east&kind=rater')).body.devices.find(
        (d) => d.deviceId === 'ds-rater-1' && d.online && d.lastSeenAt,
      ),
    );
    expect(Date.now() - Date.parse(row.lastSeenAt!)).toBeLessThan(60_000);
    const body = await list('?kind=rater');
    expect(body.status).toBe(200);
    expect(body.body.devices.every((d) => d.kind === 'rater')).toBe(true);
    expect(body.text).not.toContain(creds.password);
    expect(body.text).not.toMatch(/secret_hash|secretHash/);
    // All halls of an unbound admin, seeded devices included.
    const halls = new Set((await list()).body.devices.map((d) => d.hallId));
    expect([...halls].sort()).toEqual(['h-city', 'h-donghu', 'h-donghu-v', 'h-east', 'h-west']);
    expect((await list('?kind=toaster')).status).toBe(400);
    await dev.close();
  });

  it("a revocation made while the server's LISTEN connection was down is caught up after it reconnects", async () => {
    const creds = await provisionDevice(s, 'h-east', 'camera', 'ds-cam-lost');
    const dev = await connectDevice(s.app.mqttUrl, creds);
    const closed = closeOf(dev.client);
    const killed = await s.app.db.query(
      "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE query = 'LISTEN device_revoked' AND pid <> pg_backend_pid()",
    );
    expect(killed.rows.length).toBe(1);
    // Committed at once; its NOTIFY finds no listener of this server (it reconnects after 1 s).
    const r = await api(s, 'POST', '/api/devices/ds-cam-lost/revoke', undefined, admin);
    expect(r.status).toBe(200);
    await closed;
    expect(s.logs.join('')).toMatch(/device revocation listener lost its database connection/);
  });

  it('rotate: new secret shown once, the live connection is closed at once, the old secret is refused, the new one works', async () => {
    const creds = await provisionDevice(s, 'h-city', 'ticketer', 'ds-tk-rotate');
    const dev = await connectDevice(s.app.mqttUrl, creds);
    const closed = closeOf(dev.client);
    const r = await api<DeviceCredentials>(s, 'POST', '/api/devices/ds-tk-rotate/rotate', undefined, admin);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      deviceId: 'ds-tk-rotate',
      hallId: 'h-city',
      kind: 'ticketer',
      username: 'ds-tk-rotate',
      topicPrefix: 'halls/h-city/ticketer/ds-tk-rotate',
    });
    expect(r.body.password).not.toBe(creds.password);
    expect(Buffer.from(r.body.password, 'base64url')).toHaveLength(32);
    await closed;

    expect(await refusal(s.app.mqttUrl, credsOf(creds))).toBe(4);
    const fresh = await connectDevice(s.app.mqttUrl, r.body);
    expect((await fresh.request('ticket.request', { itemCode: 'GA-001' })).type).toBe('ticket.issued');
    await fresh.close();

    const row = (await list('?hallId=h-city')).body.devices.find((d) => d.deviceId === 'ds-tk-rotate')!;
    expect(row.secretRotatedAt).not.toBeNull();
    expect(row.revokedAt).toBeNull();
    const audit = await auditRows(s, 'device.rotate', 'device:ds-tk-rotate');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      username: 'admin',
      role: 'sysadmin',
      result: 'ok',
      detail: { hallId: 'h-city', kind: 'ticketer' },
    });
    expect(JSON.stringify(audit)).not.toContain(r.body.password);
  });

  it('revoke: a live client is disconnected at once, reconnects get CONNACK 5, the registry and the audit log show it', async () => {
    const creds = await provisionDevice(s, 'h-east', 'ticketer', 'ds-tk-revoke');
    const dev = await connectDevice(s.app.mqttUrl, creds, { reconnectPeriod: 0 });
    await dev.client.publishAsync(topics.state(creds), 'online', { retain: true, qos: 1 });
    const closed = closeOf(dev.client);
    const t0 = Date.now();
    const r = await api<DeviceInfo>(s, 'POST', '/api/devices/ds-tk-revoke/revoke', undefined, admin);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ deviceId: 'ds-tk-revoke', online: false, revokedBy: 'admin' });
    expect(r.body.revokedAt).not.toBeNull();
    await closed;
    expect(Date.now() - t0).toBeLessThan(3000);

    expect(await refusal(s.app.mqttUrl, credsOf(creds))).toBe(5);
    expect(await refusal(s.app.mqttUrl, { ...credsOf(creds), password: 'guess' })).toBe(4);
    const dead = await s.app.db.query(
      "SELECT code FROM dead_letters WHERE source = 'broker' AND device_id = 'ds-tk-revoke'",
    );
    expect(dead.rows.map((x) => x.code)).toContain('HALL_ERR_DEVICE_REVOKED');

    // Still listed (operators see revoked devices), gone from the wall's snapshot.
    const row = (await list('?hallId=h-east')).body.devices.find((d) => d.deviceId === 'ds-tk-revoke')!;
    expect(row).toMatchObject({ online: false, revokedBy: 'admin' });
    const snap = await api<HallSnapshot>(s, 'GET', '/api/halls/h-east/snapshot', undefined, admin);
    expect(snap.body.devices.map((d) => d.id)).not.toContain('ds-tk-revoke');

    // A revoked device cannot be rotated back to life; revoking again changes nothing.
    const rot = await api<{ error: { code: string; message: string } }>(
      s,
      'POST',
      '/api/devices/ds-tk-revoke/rotate',
      undefined,
      admin,
    );
    expect(rot.status).toBe(409);
    expect(rot.body.error).toMatchObject({ code: 'HALL_ERR_CONFLICT', message: expect.stringContaining('revoked') });
    const again = await api<DeviceInfo>(s, 'POST', '/api/devices/ds-tk-revoke/revoke', undefined, admin);
    expect(again.status).toBe(200);
    expect(again.body.revokedAt).toBe(r.body.revokedAt);

    const audit = await auditRows(s, 'device.revoke', 'device:ds-tk-revoke');
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({
      username: 'admin',
      role: 'sysadmin',
      result: 'ok',
      detail: { hallId: 'h-east', kind: 'ticketer' },
    });
    expect(audit[1]!.detail).toMatchObject({ alreadyRevoked: true });
  });

  it('scope and roles: other roles get 403; a hall-bound admin sees and changes only its hall (404 elsewhere, audited)', async () => {
    await provisionDevice(s, 'h-west', 'camera', 'ds-cam-west');
    for (const u of ['sup-east', 'security', 'auditor', 'leader']) {
      const t = await login(s, u);
      expect((await list('', t)).status, u).toBe(403);
      expect((await api(s, 'POST', '/api/devices/ds-cam-west/rotate', undefined, t)).status, u).toBe(403);
      expect((await api(s, 'POST', '/api/devices/ds-cam-west/revoke', undefined, t)).status, u).toBe(403);
    }
    await addUser(s.app.db, {
      username: 'ds-admin-east',
      password: 'Device#Scope-2026',
      role: 'sysadmin',
      hallId: 'h-east',
    });
    const east = await login(s, 'ds-admin-east', 'Device#Scope-2026');
    const mine = (await list('', east)).body.devices;
    expect(mine.length).toBeGreaterThan(0);
    expect(new Set(mine.map((d) => d.hallId))).toEqual(new Set(['h-east']));
    const denied = async () =>
      (
        await s.app.db.query(
          "SELECT count(*)::int AS n FROM audit_log WHERE action = 'permission.denied' AND username = 'ds-admin-east'",
        )
      ).rows[0].n as number;
    const before = await denied();
    expect((await list('?hallId=h-west', east)).status).toBe(404);
    expect((await api(s, 'POST', '/api/devices/ds-cam-west/rotate', undefined, east)).status).toBe(404);
    expect((await api(s, 'POST', '/api/devices/ds-cam-west/revoke', undefined, east)).status).toBe(404);
    expect(await denied()).toBe(before + 3);
    // Same answer as a device that does not exist.
    expect((await api(s, 'POST', '/api/devices/no-such-device/revoke', undefined, east)).status).toBe(404);
    const west = (await list('?hallId=h-west')).body.devices.find((d) => d.deviceId === 'ds-cam-west')!;
    expect(west).toMatchObject({ revokedAt: null, secretRotatedAt: null });
    // In its own hall it may.
    await provisionDevice(s, 'h-east', 'camera', 'ds-cam-east');
    expect((await api(s, 'POST', '/api/devices/ds-cam-east/rotate', undefined, east)).status).toBe(200);
    expect((await auditRows(s, 'device.rotate', 'device:ds-cam-east'))[0]).toMatchObject({ username: 'ds-admin-east' });
  });

  describe('CLI beside the running server', () => {
    const cli = async (...args: string[]) => {
      const r = await run(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], {
        env: { ...process.env, DATA_DIR: s.dataDir },
        timeout: 60_000,
      });
      return JSON.parse(r.stdout) as unknown;
    };

    it('devices:list prints the registry as JSON', async () => {
      const rows = (await cli('devices:list', '--hall', 'h-donghu-v')) as DeviceInfo[];
      expect(rows.map((d) => d.deviceId).sort()).toEqual(['h-donghu-v-camera-2', 'h-donghu-v-ticketer-1']);
      expect(rows[0]).toHaveProperty('lastSeenAt');
      expect(JSON.stringify(rows)).not.toMatch(/password|secret_hash/);
    });

    it('devices:revoke from the CLI disconnects a live client of the running server at once (NOTIFY device_revoked)', async () => {
      const creds = await provisionDevice(s, 'h-east', 'display', 'ds-led-cli');
      const dev = await connectDevice(s.app.mqttUrl, creds);
      const closed = closeOf(dev.client);
      const out = (await cli('devices:revoke', '--device', 'ds-led-cli')) as DeviceInfo;
      expect(out).toMatchObject({ deviceId: 'ds-led-cli', online: false });
      expect(out.revokedBy).toMatch(/^os:/);
      await closed;
      expect(await refusal(s.app.mqttUrl, credsOf(creds))).toBe(5);
      expect((await auditRows(s, 'device.revoke', 'device:ds-led-cli'))[0]).toMatchObject({
        role: 'operator',
        result: 'ok',
      });
    });

    it('devices:rotate from the CLI prints a working secret and closes the old session', async () => {
      const creds = await provisionDevice(s, 'h-west', 'ticketer', 'ds-tk-cli');
      const dev = await connectDevice(s.app.mqttUrl, creds);
      const closed = closeOf(dev.client);
      const fresh = (await cli('devices:rotate', '--device', 'ds-tk-cli')) as DeviceCredentials;
      await closed;
      expect(await refusal(s.app.mqttUrl, credsOf(creds))).toBe(4);
      const d2 = await connectDevice(s.app.mqttUrl, fresh);
      expect(d2.client.connected).toBe(true);
      await d2.close();
      expect((await auditRows(s, 'device.rotate', 'device:ds-tk-cli'))[0]).toMatchObject({ role: 'operator' });
    });

    it('devices:add from the CLI is audited; a missing device is a coded error', async () => {
      const c = (await cli('devices:add', '--hall', 'h-city', '--kind', 'camera')) as DeviceCredentials;
      expect((await auditRows(s, 'device.add', `device:${c.deviceId}`))[0]).toMatchObject({
        role: 'operator',
        result: 'ok',
      });
      await expect(
        run(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'devices:revoke', '--device', 'nope'], {
          env: { ...process.env, DATA_DIR: s.dataDir },
        }),
      ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('HALL_ERR_NOT_FOUND') });
    });
  });
});

/** JSON over HTTPS trusting only the test certificate. */
function httpsJson<T>(
  port: number,
  ca: string,
  method: string,
  url: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: T }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        path: url,
        method,
        ca,
        headers: {
          ...(data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const t = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, body: (t ? JSON.parse(t) : null) as T });
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

describe('TLS: MQTT over TLS, HTTPS and WSS (issue 3)', () => {
  let s: Stack;
  let cert: TestCert;
  beforeAll(async () => {
    cert = await makeTestCert();
    s = await startStack({ TLS_CERT_FILE: cert.certFile, TLS_KEY_FILE: cert.keyFile, MQTT_TLS_PORT: '0', HTTPS: 'on' });
  });
  afterAll(async () => {
    await s?.stop();
    await rm(cert.dir, { recursive: true, force: true });
  });

  it('a device on mqtts:// (trusting the certificate) gets a ticket', async () => {
    const tlsPort = s.app.broker!.tlsPort!;
    expect(tlsPort).toBeGreaterThan(0);
    // Provisioned in the registry directly: admins sign in with TOTP, which the test helper does over plain HTTP only.
    const creds = await addDevice(s.app.db, 'h-city', 'ticketer', 'tls-tk-1');
    const dev = await connectDevice(`mqtts://127.0.0.1:${tlsPort}`, creds, { ca: cert.cert });
    const reply = await dev.request('ticket.request', { itemCode: 'GA-001' });
    expect(reply.type).toBe('ticket.issued');
    expect(reply.data.ticketNo).toMatch(/^[A-Z]\d{3}$/);
    await dev.close();
  });

  it('plain MQTT to the TLS port fails; mqtts without trusting the certificate fails', async () => {
    const tlsPort = s.app.broker!.tlsPort!;
    const opts = { clientId: 'tls-x', username: 'tls-x', password: 'x', connectTimeout: 3000 };
    expect(typeof (await refusal(`mqtt://127.0.0.1:${tlsPort}`, opts))).toBe('string');
    expect(await refusal(`mqtts://127.0.0.1:${tlsPort}`, opts)).toMatch(/self-signed|self signed|certificate|closed/i);
  });

  it('serves HTTPS on HTTP_PORT (healthz) and not plain HTTP', async () => {
    const r = await httpsJson<{ status: string }>(s.app.httpPort, cert.cert, 'GET', '/healthz');
    expect(r).toEqual({ status: 200, body: { status: 'ok' } });
    await expect(fetch(`http://127.0.0.1:${s.app.httpPort}/healthz`)).rejects.toThrow();
  });

  it('Socket.IO works over wss:// on the same port', async () => {
    const token = (
      await httpsJson<{ token: string }>(s.app.httpPort, cert.cert, 'POST', '/api/auth/login', {
        username: 'sup-east',
        password: DEMO_PASSWORD,
      })
    ).body.token;
    const sock = ioClient(`https://127.0.0.1:${s.app.httpPort}`, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
      ca: cert.cert,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        sock.once('connect', resolve);
        sock.once('connect_error', reject);
      });
      expect(sock.io.engine.transport.name).toBe('websocket');
      const r = await sock.emitWithAck('hall:join', { hallId: 'h-east' });
      expect(r).toMatchObject({ ok: true, data: { hallId: 'h-east' } });
    } finally {
      sock.close();
    }
  });

  it('refuses a missing or unreadable certificate file at start with HALL_ERR_CONFIG naming the variable', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hall-tls-bad-'));
    try {
      const missing = path.join(cert.dir, 'missing.pem');
      await expect(startStack({ TLS_CERT_FILE: missing, TLS_KEY_FILE: cert.keyFile }, dir)).rejects.toMatchObject({
        code: 'HALL_ERR_CONFIG',
        message: expect.stringContaining('TLS_CERT_FILE'),
      });
      await expect(startStack({ TLS_CERT_FILE: cert.certFile }, dir)).rejects.toMatchObject({
        code: 'HALL_ERR_CONFIG',
        message: expect.stringContaining('TLS_KEY_FILE'),
      });
      await expect(startStack({ HTTPS: 'on' }, dir)).rejects.toMatchObject({
        code: 'HALL_ERR_CONFIG',
        message: expect.stringContaining('HTTPS'),
      });
      // A key that is not the certificate's.
      const other = await makeTestCert();
      await expect(
        startStack({ TLS_CERT_FILE: cert.certFile, TLS_KEY_FILE: other.keyFile }, dir),
      ).rejects.toMatchObject({ code: 'HALL_ERR_CONFIG', message: expect.stringContaining('TLS_KEY_FILE') });
      await rm(other.dir, { recursive: true, force: true });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
