import { connectAsync, type IClientPublishOptions, type MqttClient } from 'mqtt';
import { z } from 'zod';
import {
  downMessages,
  envelopeSchema,
  idSchema,
  ticketIssuedSchema,
  topics,
  type DemoPace,
  type DeviceAddress,
  type DeviceCredentials,
  type Envelope,
  type SimCaller,
  type TicketerStatus,
  type TicketRequest,
} from '../contracts/index.ts';
import { nextIntervalMs, paceFactor, poissonSample, syntheticPerson, type Random } from './arrivals.ts';
import { createCallerLoop, type CallerLoop } from './caller-loop.ts';

/**
 * Simulated hall devices over MQTT: ticket machines (取号机) with Poisson
 * arrivals at the demo pace (the hall's working day, or the peak at every
 * hour: arrivals.ts paceFactor) and paper running out (缺纸),
 * cameras (视频通道) publishing head counts, LED displays listening, and
 * window callers (呼叫器, 001 §1.1.1.16) whose clerks sign in and serve the queue
 * (caller-loop.ts), so waiting counts go up and down. Raters come later.
 */
export interface SimOptions {
  mqttUrl: string;
  /** The sim connects every ticketer, camera and display listed. */
  devices: DeviceCredentials[];
  /** Item codes per hallId. */
  items: Record<string, string[]>;
  /** Callers to run (sign-in account per caller device); a caller device not listed here is skipped. */
  callers?: SimCaller[];
  /** City-wide ticket arrivals per minute at the daily peak. */
  ratePerMin: number;
  /** `hall-clock` (default): arrivals follow the halls' day; `always`: the peak rate at every hour (arrivals.ts paceFactor). */
  pace?: DemoPace;
  random?: () => number;
  /** Clock for the hour-of-day curve only; timers and envelope ts use real time. */
  now?: () => Date;
  log?: (msg: string, extra?: object) => void;
}

export interface SimStats {
  connected: number;
  ticketsRequested: number;
  ticketsIssued: number;
  ticketsCalled: number;
  ticketsCompleted: number;
  errors: number;
  lastErrorCodes: string[];
}
export interface RunningSim {
  stop(): Promise<void>;
  stats(): SimStats;
}

/** A sleeping ticketer wakes at least this often to pick up a changed hour-of-day rate. */
const MAX_SLEEP_MS = 60_000;
/** Arrivals emitted at once after the event loop stalled; more are dropped, not bunched. */
const MAX_BURST = 50;
const CAMERA_PERIOD_MS = 30_000;
/** Share of a hall's window capacity the callers' service times aim at, at the current arrival rate. */
const TARGET_UTILISATION = 0.85;
const SERVICE_MEAN_MS = [5000, 3 * 60_000] as const;
/** Little's law: people waiting ≈ arrival rate × mean wait. */
const MEAN_WAIT_MIN = 15;
const MEAN_ENTRANCE_MIN = 0.5;
/** A hall floor holds a few hundred people; load-test rates must not show tens of thousands. */
const HALL_CAPACITY = 400;
/** Paper cycle means (minutes): ok → low → out → refilled. "Every few minutes" per machine. */
const PAPER_MEAN_MIN = { ok: 6, low: 2, out: 1.5 } as const;
/** Unanswered requests remembered per ticketer, so a silent server cannot grow memory. */
const MAX_PENDING = 1000;
const CONNECT_CONCURRENCY = 32;
const STOP_TIMEOUT_MS = 5000;

interface Device {
  cred: DeviceCredentials;
  addr: DeviceAddress;
  client?: MqttClient;
  counter: number;
  /** Ticketers only. */
  paper: TicketerStatus['paper'];
  pending: Map<string, number>;
  /** Callers only. */
  loop?: CallerLoop;
}

const QOS1: IClientPublishOptions = { qos: 1 };

/**
 * Replies as the server sends them. `messageTypeSchema` wants a dotted type, but
 * error replies are `down/error` with type `error` (downMessages, server/mqtt/reply.ts),
 * so both parseTopic and envelopeSchema would refuse them: accept any type here.
 */
const replySchema = envelopeSchema.extend({ type: z.string().min(1).max(64) });

export async function startSimulator(o: SimOptions): Promise<RunningSim> {
  const random: Random = o.random ?? Math.random;
  const now = o.now ?? (() => new Date());
  const log = o.log ?? (() => {});
  const stats = {
    ticketsRequested: 0,
    ticketsIssued: 0,
    ticketsCalled: 0,
    ticketsCompleted: 0,
    errors: 0,
    lastErrorCodes: [] as string[],
  };
  const timers = new Set<NodeJS.Timeout>();
  const connecting = new Set<Promise<void>>();
  let stopped = false;

  const fail = (code: string, msg: string, extra?: object) => {
    stats.errors++;
    stats.lastErrorCodes.push(code);
    if (stats.lastErrorCodes.length > 20) stats.lastErrorCodes.shift();
    log(msg, { code, ...extra });
  };

  /** Every timer goes through here: tracked for stop(), and never throws. */
  const later = (fn: () => void, ms: number) => {
    if (stopped) return;
    const t = setTimeout(
      () => {
        timers.delete(t);
        if (stopped) return;
        try {
          fn();
        } catch (e) {
          fail('SIM_INTERNAL', 'timer failed', { error: String(e) });
        }
      },
      Math.max(0, Math.min(ms, 2 ** 31 - 1)),
    );
    timers.add(t);
  };

  // ── devices ──────────────────────────────────────────────────────────────
  const devices: Device[] = [];
  const callerOf = new Map((o.callers ?? []).map((c) => [c.deviceId, c]));
  for (const cred of o.devices) {
    if (
      cred.kind !== 'ticketer' &&
      cred.kind !== 'camera' &&
      cred.kind !== 'display' &&
      !(cred.kind === 'caller' && callerOf.has(cred.deviceId))
    )
      continue;
    if (!idSchema.safeParse(cred.hallId).success || !idSchema.safeParse(cred.deviceId).success) {
      log('skipping device with an id unfit for topics', { deviceId: cred.deviceId });
      continue;
    }
    const addr = { hallId: cred.hallId, kind: cred.kind, deviceId: cred.deviceId };
    if (cred.topicPrefix && cred.topicPrefix !== topics.prefix(addr)) {
      log('topicPrefix differs from the contract topic scheme; using the contract', {
        deviceId: cred.deviceId,
        topicPrefix: cred.topicPrefix,
      });
    }
    devices.push({ cred, addr, counter: 0, paper: 'ok', pending: new Map() });
  }
  const ticketers = devices.filter((d) => d.addr.kind === 'ticketer');
  const group = (kind: string) => {
    const m = new Map<string, Device[]>();
    for (const d of devices) if (d.addr.kind === kind) m.set(d.addr.hallId, [...(m.get(d.addr.hallId) ?? []), d]);
    return m;
  };
  const ticketersByHall = group('ticketer');
  const camerasByHall = group('camera');
  const callersByHall = group('caller');
  for (const hallId of ticketersByHall.keys()) {
    if (!o.items[hallId]?.length) log('hall has ticketers but no item codes; they will request nothing', { hallId });
  }
  // All ticketers equal: the city-wide rate is shared evenly.
  const perTicketerPeakPerMin = o.ratePerMin / Math.max(1, ticketers.length);
  const pace: DemoPace = o.pace ?? 'hall-clock';
  const factorNow = () => paceFactor(pace, now());

  /** Publishes an envelope; returns its id. Errors are counted, never thrown. */
  const publish = (d: Device, type: string, data: unknown): string => {
    // Date.now prefix keeps ids unique across restarts of the sim (clean:false sessions, server dedupe).
    const id = `${Date.now().toString(36)}-${++d.counter}`;
    const env: Envelope = { v: 1, id, ts: Date.now(), type, data };
    d.client
      ?.publishAsync(topics.up(d.addr, type), JSON.stringify(env), QOS1)
      .catch((e: unknown) =>
        fail('SIM_PUBLISH_FAILED', 'publish failed', { deviceId: d.addr.deviceId, type, error: String(e) }),
      );
    return id;
  };
  const isUp = (d: Device | undefined): d is Device & { client: MqttClient } => !!d?.client?.connected;

  // ── callers ──────────────────────────────────────────────────────────────
  /** Mean service time that keeps the hall's windows about TARGET_UTILISATION busy at the current arrival rate. */
  const serviceMeanMs = (hallId: string) => {
    const perMin = perTicketerPeakPerMin * (ticketersByHall.get(hallId)?.length ?? 0) * factorNow();
    const windows = callersByHall.get(hallId)?.length ?? 1;
    const ms = perMin > 0 ? (windows / perMin) * TARGET_UTILISATION * 60_000 : SERVICE_MEAN_MS[1];
    return Math.min(Math.max(ms, SERVICE_MEAN_MS[0]), SERVICE_MEAN_MS[1]);
  };
  for (const d of devices) {
    const caller = d.addr.kind === 'caller' ? callerOf.get(d.addr.deviceId) : undefined;
    if (!caller) continue;
    d.loop = createCallerLoop({
      caller,
      random,
      later,
      fail,
      send: (type, data) => publish(d, type, data),
      serviceMeanMs: () => serviceMeanMs(d.addr.hallId),
      onCalled: () => {
        stats.ticketsCalled++;
      },
      onCompleted: () => {
        stats.ticketsCompleted++;
      },
    });
  }

  // ── ticketers ────────────────────────────────────────────────────────────
  const requestTicket = (t: Device) => {
    // A machine out of paper cannot print: the citizen walks to another machine of the hall.
    const d =
      t.paper !== 'out' ? t : (ticketersByHall.get(t.addr.hallId) ?? []).find((x) => x.paper !== 'out' && isUp(x));
    if (!isUp(d)) return;
    const codes = o.items[d.addr.hallId] ?? [];
    if (codes.length === 0) return;
    const itemCode = codes[Math.floor(random() * codes.length)]!;
    const u = random();
    const identity: TicketRequest['identity'] =
      u < 0.6
        ? (({ idNumber, name }) => ({ method: 'id-card' as const, idNumber, name }))(syntheticPerson(random))
        : u < 0.8
          ? { method: 'qr' }
          : undefined;
    const data: TicketRequest = identity ? { itemCode, identity } : { itemCode };
    const id = publish(d, 'ticket.request', data);
    stats.ticketsRequested++;
    d.pending.set(id, Date.now());
    if (d.pending.size > MAX_PENDING) d.pending.delete(d.pending.keys().next().value!);
  };

  /**
   * Arrivals of one ticketer from virtual time `from`. Exponential gaps are
   * memoryless, so redrawing at a capped wake-up with the then-current rate is
   * exact for a rate that is constant between wake-ups (≤ 1 min here).
   */
  const runArrivals = (t: Device, from: number) => {
    let at = from;
    for (let i = 0; i < MAX_BURST; i++) {
      const gap = nextIntervalMs((perTicketerPeakPerMin * factorNow()) / 60_000, random);
      if (gap > MAX_SLEEP_MS) {
        const next = at + MAX_SLEEP_MS;
        later(() => runArrivals(t, next), next - Date.now());
        return;
      }
      at += gap;
      if (at > Date.now()) {
        const due = at;
        later(() => {
          requestTicket(t);
          runArrivals(t, due);
        }, due - Date.now());
        return;
      }
      requestTicket(t);
    }
    later(() => runArrivals(t, Date.now()), 0);
  };

  const runPaper = (t: Device) => {
    const mean = PAPER_MEAN_MIN[t.paper] * 60_000;
    later(
      () => {
        t.paper = t.paper === 'ok' ? 'low' : t.paper === 'low' ? 'out' : 'ok';
        if (isUp(t)) publish(t, 'device.status', { paper: t.paper });
        runPaper(t);
      },
      nextIntervalMs(1 / mean, random),
    );
  };

  // ── cameras ──────────────────────────────────────────────────────────────
  const publishCount = (c: Device) => {
    if (!isUp(c)) return;
    const hallRate = perTicketerPeakPerMin * Math.max(1, ticketersByHall.get(c.addr.hallId)?.length ?? 0) * factorNow();
    // Each camera of the hall sees its share of the floor.
    const share = 1 / Math.max(1, camerasByHall.get(c.addr.hallId)?.length ?? 0);
    const waiting = Math.min(hallRate * MEAN_WAIT_MIN, HALL_CAPACITY) * share;
    const entrance = Math.min(hallRate * MEAN_ENTRANCE_MIN, HALL_CAPACITY / 10) * share;
    publish(c, 'camera.count', {
      zones: [
        { zone: 'waiting', people: poissonSample(waiting, random) },
        { zone: 'entrance', people: poissonSample(entrance, random) },
      ],
    });
  };
  const runCamera = (c: Device) =>
    later(() => {
      publishCount(c);
      runCamera(c);
    }, CAMERA_PERIOD_MS);

  // ── replies ──────────────────────────────────────────────────────────────
  const onMessage = (d: Device, topic: string, payload: Buffer) => {
    if (!topic.startsWith(topics.down(d.addr, ''))) return; // display topics: an LED just shows them
    let env;
    try {
      env = replySchema.safeParse(JSON.parse(payload.toString()));
    } catch {
      env = undefined;
    }
    if (!env?.success) return fail('SIM_BAD_REPLY', 'reply is not an envelope', { deviceId: d.addr.deviceId, topic });
    const { type, re, data } = env.data;
    if (d.loop) return d.loop.onReply(type, re, data);
    if (type === 'ticket.issued') {
      if (!ticketIssuedSchema.safeParse(data).success)
        return fail('SIM_BAD_REPLY', 'ticket.issued data off contract', { deviceId: d.addr.deviceId });
      // Only the first reply to a request counts; QoS 1 may deliver it twice.
      if (re !== undefined && d.pending.delete(re)) stats.ticketsIssued++;
    } else if (type === 'error') {
      if (re !== undefined) d.pending.delete(re);
      const err = downMessages.error.safeParse(data);
      fail(err.success ? err.data.code : 'SIM_BAD_REPLY', 'server refused', {
        deviceId: d.addr.deviceId,
        re,
        error: err.data,
      });
    }
  };

  // ── connection ───────────────────────────────────────────────────────────
  /** Runs on the first connect and every reconnect: the will may have said `offline` meanwhile. */
  const announce = (d: Device) => {
    if (!d.client) return;
    d.client
      .publishAsync(topics.state(d.addr), 'online', { qos: 1, retain: true })
      .catch((e: unknown) =>
        fail('SIM_PUBLISH_FAILED', 'state publish failed', { deviceId: d.addr.deviceId, error: String(e) }),
      );
    if (d.addr.kind === 'ticketer') publish(d, 'device.status', { paper: d.paper });
    if (d.addr.kind === 'camera') publishCount(d);
    d.loop?.start();
  };

  const connectDevice = async (d: Device): Promise<boolean> => {
    const { cred, addr } = d;
    let client: MqttClient;
    try {
      client = await connectAsync(o.mqttUrl, {
        clientId: cred.deviceId,
        username: cred.username,
        password: cred.password,
        clean: false,
        protocolVersion: 4,
        reconnectPeriod: 2000,
        connectTimeout: 10_000,
        will: { topic: topics.state(addr), payload: Buffer.from('offline'), retain: true, qos: 1 },
      });
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      fail(`SIM_CONNECT_FAILED`, 'device could not connect; retrying', { deviceId: cred.deviceId, error: String(e) });
      // connack 4/5 = bad credentials or not authorised: no point hammering the broker.
      later(
        () => {
          void track(connectDevice(d));
        },
        code === 4 || code === 5 ? 60_000 : 5000,
      );
      return false;
    }
    if (stopped) {
      await client.endAsync(true).catch(() => {});
      return false;
    }
    d.client = client;
    client.on('message', (topic, payload) => {
      try {
        onMessage(d, topic, payload);
      } catch (e) {
        fail('SIM_INTERNAL', 'reply handling failed', { error: String(e) });
      }
    });
    client.on('connect', () => {
      log('device reconnected', { deviceId: addr.deviceId });
      announce(d);
    });
    client.on('offline', () => log('device offline', { deviceId: addr.deviceId }));
    client.on('error', (e: Error & { code?: unknown }) => {
      // After stop() a write racing our own DISCONNECT (ERR_STREAM_WRITE_AFTER_END) is shutdown noise, not a device error.
      if (stopped) return log('mqtt error while stopping', { deviceId: addr.deviceId, error: e.message });
      fail(`SIM_MQTT_${String(e.code ?? 'ERROR')}`, 'mqtt error', { deviceId: addr.deviceId, error: e.message });
    });
    // mqtt.js resubscribes by itself after a reconnect without a session (resubscribe: true).
    const subs = [topics.down(addr, '#')];
    if (addr.kind === 'display') subs.push(topics.display(addr.hallId, '+'));
    try {
      await client.subscribeAsync(subs, { qos: 1 });
    } catch (e) {
      fail('SIM_SUBSCRIBE_FAILED', 'subscribe failed', { deviceId: addr.deviceId, error: String(e) });
    }
    announce(d);
    return true;
  };
  const track = (p: Promise<unknown>) => {
    const q = p.then(
      () => {},
      () => {},
    );
    connecting.add(q);
    void q.finally(() => connecting.delete(q));
    return q;
  };

  // Connect in small batches so a big city does not open thousands of sockets at once.
  let ok = 0;
  for (let i = 0; i < devices.length; i += CONNECT_CONCURRENCY) {
    const batch = devices.slice(i, i + CONNECT_CONCURRENCY).map((d) => connectDevice(d));
    const p = Promise.all(batch);
    void track(p);
    ok += (await p).filter(Boolean).length;
  }
  if (devices.length > 0 && ok === 0)
    log('no device could connect yet; retrying — is the server (broker) running at this URL?', {
      mqttUrl: o.mqttUrl.replace(/\/\/[^@/]*@/, '//***@'),
    });
  log('simulator started', {
    devices: devices.length,
    connected: ok,
    ticketers: ticketers.length,
    peakPerMin: o.ratePerMin,
    pace,
  });

  for (const d of devices) {
    if (d.addr.kind === 'ticketer') {
      runArrivals(d, Date.now());
      runPaper(d);
    }
    if (d.addr.kind === 'camera') runCamera(d);
  }

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const t of timers) clearTimeout(t);
    timers.clear();
    await Promise.race([Promise.all(connecting), new Promise((r) => setTimeout(r, STOP_TIMEOUT_MS).unref())]);
    await Promise.all(
      devices.map(async (d) => {
        const c = d.client;
        if (!c) return;
        // A clean DISCONNECT discards the will (MQTT 3.1.1 §3.14.4), so say `offline` ourselves.
        const graceful = async () => {
          if (c.connected) await c.publishAsync(topics.state(d.addr), 'offline', { qos: 1, retain: true });
          await c.endAsync(!c.connected);
        };
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<'timeout'>((r) => {
          timer = setTimeout(() => r('timeout'), STOP_TIMEOUT_MS);
        });
        try {
          if ((await Promise.race([graceful(), timeout])) === 'timeout') await c.endAsync(true);
        } catch (e) {
          log('device stop failed', { deviceId: d.addr.deviceId, error: String(e) });
          await c.endAsync(true).catch(() => {});
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    log('simulator stopped', { ...stats, lastErrorCodes: undefined });
  };

  return {
    stop,
    stats: () => ({
      ...stats,
      lastErrorCodes: [...stats.lastErrorCodes],
      connected: devices.filter((d) => d.client?.connected).length,
    }),
  };
}
