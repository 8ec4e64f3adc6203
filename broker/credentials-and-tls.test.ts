import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import tls from 'node:tls';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import pino from 'pino';
import type { Principal } from './acl.ts';
import {
  createBroker,
  type AuthRefusal,
  type BrokerAuth,
  type BrokerOptions,
  type RefusedInfo,
  type RunningBroker,
} from './create-broker.ts';
import { makeTestCert, type TestCert } from '../tests/helpers/tls-cert.ts';

/**
 * Device security at the broker (docs/mqtt.md "Credentials lifecycle"): a refusal with its own reason (a
 * revoked device gets CONNACK 5), the throttled "device seen" hook behind
 * `last_seen_at`, and the TLS listener.
 */
const d1: Principal = { type: 'device', device: { hallId: 'h1', kind: 'ticketer', deviceId: 'd1' } };
const server: Principal = { type: 'server' };
const revoked: AuthRefusal = { type: 'refused', code: 'HALL_ERR_DEVICE_REVOKED', reason: 'the device is revoked' };
const auth: BrokerAuth = {
  async authenticate(username, password) {
    if (username === 'd1' && password === 'pw-d1') return d1;
    if (username === 'srv' && password === 'pw-srv') return server;
    if (username === 'gone' && password === 'pw-gone') return revoked;
    return null;
  },
};

let cert: TestCert;
beforeAll(async () => {
  cert = await makeTestCert();
});
afterAll(async () => {
  await rm(cert.dir, { recursive: true, force: true });
});

const brokers: RunningBroker[] = [];
const clients: MqttClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  await Promise.all(brokers.splice(0).map((b) => b.close()));
});

async function start(
  extra: Partial<BrokerOptions> = {},
): Promise<{ broker: RunningBroker; refused: RefusedInfo[]; seen: string[] }> {
  const refused: RefusedInfo[] = [],
    seen: string[] = [];
  const broker = await createBroker({
    host: '127.0.0.1',
    port: 0,
    maxPacketBytes: 4096,
    auth,
    logger: pino({ level: 'silent' }),
    onRefused: (i) => refused.push(i),
    onDeviceSeen: (id) => seen.push(id),
    ...extra,
  });
  brokers.push(broker);
  return { broker, refused, seen };
}

const opts = (username: string, password: string, extra: IClientOptions = {}): IClientOptions => ({
  protocolVersion: 4,
  clientId: username,
  username,
  password,
  reconnectPeriod: 0,
  connectTimeout: 5000,
  ...extra,
});

async function connect(url: string, o: IClientOptions): Promise<MqttClient> {
  const c = await mqtt.connectAsync(url, o);
  clients.push(c);
  return c;
}

/** Resolves with the CONNACK code of a refused connection, or the error message when there was no CONNACK. */
function refusal(url: string, o: IClientOptions): Promise<number | string> {
  const c = mqtt.connect(url, o);
  clients.push(c);
  return new Promise((resolve, reject) => {
    c.once('connect', () => reject(new Error('connected')));
    c.once('error', (e: Error & { code?: number | string }) =>
      resolve(typeof e.code === 'number' ? e.code : e.message),
    );
    c.once('close', () => resolve('closed'));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('createBroker: refusals with a reason', () => {
  it('answers an AuthRefusal (a revoked device) with CONNACK 5 and reports its code', async () => {
    const { broker, refused } = await start();
    expect(await refusal(`mqtt://127.0.0.1:${broker.port}`, opts('gone', 'pw-gone'))).toBe(5);
    expect(refused[0]).toMatchObject({
      code: 'HALL_ERR_DEVICE_REVOKED',
      clientId: 'gone',
      reason: 'the device is revoked',
    });
    expect(await refusal(`mqtt://127.0.0.1:${broker.port}`, opts('gone', 'wrong'))).toBe(4);
  });
});

describe('createBroker: device seen', () => {
  it('reports a device on connect and on publish at most once per interval; never the server', async () => {
    const { broker, seen } = await start({ seenIntervalMs: 300 });
    const url = `mqtt://127.0.0.1:${broker.port}`;
    await connect(url, opts('srv', 'pw-srv', { clientId: 'srv-1' }));
    const dev = await connect(url, opts('d1', 'pw-d1'));
    expect(seen).toEqual(['d1']);
    for (let i = 0; i < 5; i++) await dev.publishAsync('halls/h1/ticketer/d1/up/device.status', '{}', { qos: 1 });
    expect(seen).toEqual(['d1']);
    await sleep(350);
    await dev.publishAsync('halls/h1/ticketer/d1/up/device.status', '{}', { qos: 1 });
    expect(seen).toEqual(['d1', 'd1']);
  });
});

describe('createBroker: TLS listener', () => {
  it('has no TLS port unless asked', async () => {
    const { broker } = await start();
    expect(broker.tlsPort).toBeNull();
  });

  it('accepts mqtts:// with the CA, keeps the plain port, and refuses plain MQTT on the TLS port', async () => {
    const { broker } = await start({ tls: { port: 0, cert: cert.cert, key: cert.key } });
    expect(broker.tlsPort).toBeGreaterThan(0);
    expect(broker.tlsPort).not.toBe(broker.port);
    const sub = await connect(`mqtt://127.0.0.1:${broker.port}`, opts('srv', 'pw-srv', { clientId: 'srv-1' }));
    await sub.subscribeAsync('halls/+/+/+/up/#', { qos: 1 });
    const got = new Promise<string>((resolve) => sub.once('message', (_t, p) => resolve(p.toString())));
    const dev = await connect(`mqtts://127.0.0.1:${broker.tlsPort}`, opts('d1', 'pw-d1', { ca: cert.cert }));
    const sock = (dev as unknown as { stream: tls.TLSSocket }).stream;
    expect(sock.encrypted).toBe(true);
    expect(['TLSv1.2', 'TLSv1.3']).toContain(sock.getProtocol());
    await dev.publishAsync('halls/h1/ticketer/d1/up/ticket.request', 'over-tls', { qos: 1 });
    expect(await got).toBe('over-tls');

    const plain = await refusal(`mqtt://127.0.0.1:${broker.tlsPort}`, opts('d1', 'pw-d1', { connectTimeout: 3000 }));
    expect(typeof plain).toBe('string');
  });

  it('refuses a client that does not trust the certificate and one limited to TLS 1.1', async () => {
    const { broker } = await start({ tls: { port: 0, cert: cert.cert, key: cert.key } });
    const untrusted = await refusal(`mqtts://127.0.0.1:${broker.tlsPort}`, opts('d1', 'pw-d1'));
    expect(String(untrusted)).toMatch(/self-signed|self signed|closed/i);
    const old = tls.connect({
      host: '127.0.0.1',
      port: broker.tlsPort!,
      ca: cert.cert,
      maxVersion: 'TLSv1.1',
      minVersion: 'TLSv1',
    });
    const [err] = (await once(old, 'error')) as [Error];
    expect(err.message).toMatch(/version|protocol|alert/i);
  });

  it('close() also ends a connection stuck before the TLS handshake', async () => {
    const { broker } = await start({ tls: { port: 0, cert: cert.cert, key: cert.key } });
    const raw = net.connect(broker.tlsPort!, '127.0.0.1');
    await once(raw, 'connect');
    const closed = once(raw, 'close');
    await broker.close();
    await closed;
  });
});
