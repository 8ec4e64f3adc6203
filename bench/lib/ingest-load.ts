import { monitorEventLoopDelay } from 'node:perf_hooks';
import mqtt, { type MqttClient } from 'mqtt';
import { io as ioClient, type Socket } from 'socket.io-client';
import {
  topics,
  type DeviceCredentials,
  type HallDelta,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '../../contracts/index.ts';
import { summarize, round, loopMs, LOOP_RESOLUTION_MS, type Summary } from './stats.ts';

/**
 * The load generator of `bench:ingest`: ticket machines speaking MQTT and one
 * hall screen per hall speaking Socket.IO, exactly as real clients do (it
 * knows the server only through the wire and `contracts/`). It runs in a
 * worker thread by default, so its event loop does not sit inside the
 * server's; `--inline` runs it on the server's own thread for comparison.
 *
 * Open loop: request k of a phase is due at t0 + k/rate whatever happened to
 * the earlier ones, and goes to device k mod D, so the rate is spread evenly
 * over the devices and cannot drift (due times are absolute, late ticks catch
 * up). Each request is followed to its reply (`re` → ticketNo) and to its
 * hall delta (deviceId, ticketNo); either may arrive first.
 */

export interface PhasePlan {
  name: string;
  kind: 'warmup' | 'latency' | 'step';
  rate: number;
  seconds: number;
}
export interface BenchDevice {
  creds: DeviceCredentials;
  items: string[];
}
export interface LoadPlan {
  base: string;
  mqttUrl: string;
  token: string;
  devices: BenchDevice[];
  halls: string[];
  phases: PhasePlan[];
  /** A request without its delta this long after the phase's last send counts as lost. */
  lostAfterMs: number;
  /** After the lost window, wait at most this long for the server's backlog to drain before the next phase. */
  quiesceMaxMs: number;
  /** After a step whose issued rate falls below this share of the offered rate, the higher steps are skipped (0 = never). */
  saturatedBelow: number;
}

export interface PhaseResult {
  name: string;
  kind: PhasePlan['kind'];
  offeredRate: number;
  seconds: number;
  requests: number;
  /** Requests per second actually published (first to last publish). */
  sentRate: number;
  /** Replies per second: replies received by the end of the lost window / (last reply − first due time). */
  issuedRate: number;
  replies: number;
  deltas: number;
  errors: Record<string, number>;
  errorCount: number;
  /** No delta within `lostAfterMs` after the last publish (errors excluded). */
  lost: number;
  noReply: number;
  /** Lost requests whose delta (or error) turned up after all, while the backlog drained. */
  late: number;
  /** Requests still without delta or error when the next phase started: never delivered within the drain limit. */
  neverDelivered: number;
  publishToReplyMs: Summary;
  publishToDeltaMs: Summary;
  /** Same, measured from the due time instead of the publish call (includes the generator's own lateness). */
  dueToDeltaMs: Summary;
  /** How late the generator published (publish call − due time). */
  schedulerLagMs: Summary;
  /** Publish → delta per hall (the hall row lock serialises each hall's tickets). */
  byHall: Record<string, { requests: number; lost: number; p50: number | null; p99: number | null }>;
  /** Event-loop delay of the generator thread during the phase. */
  clientLoopDelayMs: { p50: number; p99: number; max: number };
  drainMs: number;
}

export interface LoadResult {
  phases: PhaseResult[];
  /** Steps not run because a lower step already saturated the server. */
  skipped: PhasePlan[];
  seqGaps: number;
  seqOutOfOrder: number;
  disconnects: number;
}

export interface LoadHooks {
  /** Called at the start of a phase and again once it is scored; the caller samples its server-side figures. */
  phase(name: string, at: 'start' | 'end'): Promise<void>;
  log(msg: string): void;
}

interface Req {
  id: string;
  phase: PhaseState;
  device: DeviceState;
  due: number;
  sent: number;
  replyAt: number;
  deltaAt: number;
  error: string | null;
}
interface PhaseState {
  plan: PhasePlan;
  reqs: Req[];
  scored: boolean;
  late: number;
  /** Requests with their delta or an error reply. */
  completed: number;
  /** Requests with any reply (or a failed publish). */
  answered: number;
}
interface DeviceState {
  b: BenchDevice;
  client: MqttClient;
  topic: string;
  n: number;
}
type Screen = Socket<ServerToClientEvents, ClientToServerEvents>;

export async function runLoad(plan: LoadPlan, hooks: LoadHooks): Promise<LoadResult> {
  const byId = new Map<string, Req>();
  /** Reply seen, delta not yet: key `${deviceId}|${ticketNo}`. */
  const awaitingDelta = new Map<string, Req>();
  /** Delta seen, reply not yet. */
  const earlyDelta = new Map<string, number>();
  let disconnects = 0;
  let seqGaps = 0;
  let seqOutOfOrder = 0;
  let closing = false;

  const settle = (r: Req) => {
    if (r.phase.scored) r.phase.late++;
  };
  const markReply = (r: Req, at: number) => {
    r.replyAt = at;
    r.phase.answered++;
  };
  const markDone = (r: Req) => {
    r.phase.completed++;
    byId.delete(r.id);
    settle(r);
  };

  // ── devices ──
  const devices: DeviceState[] = [];
  try {
    for (const b of plan.devices) {
      const client = await mqtt.connectAsync(plan.mqttUrl, {
        clientId: b.creds.deviceId,
        username: b.creds.username,
        password: b.creds.password,
        protocolVersion: 4,
        clean: true,
        reconnectPeriod: 0,
        connectTimeout: 10_000,
      });
      const dev: DeviceState = { b, client, topic: topics.up(b.creds, 'ticket.request'), n: 0 };
      client.on('close', () => {
        if (!closing) disconnects++;
      });
      client.on('message', (_topic, payload) => {
        const now = performance.now();
        let msg: { type?: string; re?: string; data?: { ticketNo?: string; code?: string } };
        try {
          msg = JSON.parse(payload.toString('utf8')) as typeof msg;
        } catch {
          return;
        }
        const r = msg.re ? byId.get(msg.re) : undefined;
        if (!r || r.replyAt) return;
        markReply(r, now);
        if (msg.type === 'ticket.issued' && msg.data?.ticketNo) {
          const key = `${b.creds.deviceId}|${msg.data.ticketNo}`;
          const d = earlyDelta.get(key);
          if (d !== undefined) {
            earlyDelta.delete(key);
            r.deltaAt = d;
            markDone(r);
          } else awaitingDelta.set(key, r);
        } else {
          r.error = msg.type === 'error' ? (msg.data?.code ?? 'error') : `unexpected ${msg.type}`;
          markDone(r);
        }
      });
      await client.subscribeAsync(topics.down(b.creds, '#'), { qos: 1 });
      devices.push(dev);
    }
  } catch (e) {
    closing = true;
    await Promise.all(devices.map((d) => d.client.endAsync(true).catch(() => undefined)));
    throw e;
  }
  hooks.log(`${devices.length} devices connected`);

  // ── screens: one per hall ──
  const screens: Screen[] = [];
  const lastSeq = new Map<string, number>();
  try {
    for (const hallId of plan.halls) {
      const sock: Screen = ioClient(plan.base, {
        auth: { token: plan.token },
        transports: ['websocket'],
        reconnection: false,
      });
      screens.push(sock);
      await new Promise<void>((resolve, reject) => {
        sock.once('connect', resolve);
        sock.once('connect_error', reject);
      });
      sock.on('disconnect', () => {
        if (!closing) disconnects++;
      });
      sock.on('hall:delta', (d: HallDelta) => {
        const now = performance.now();
        const last = lastSeq.get(d.hallId);
        if (last !== undefined) {
          if (d.seq > last + 1) seqGaps++;
          else if (d.seq <= last) seqOutOfOrder++;
        }
        if (last === undefined || d.seq > last) lastSeq.set(d.hallId, d.seq);
        if (d.event.type !== 'ticket.issued' || !d.event.data.deviceId) return;
        const key = `${d.event.data.deviceId}|${d.event.data.ticketNo}`;
        const r = awaitingDelta.get(key);
        if (r) {
          awaitingDelta.delete(key);
          r.deltaAt = now;
          markDone(r);
        } else earlyDelta.set(key, now);
      });
      const ack = await sock.timeout(10_000).emitWithAck('hall:join', { hallId });
      if (!ack.ok) throw new Error(`hall:join ${hallId} failed: ${ack.code} ${ack.message}`);
      lastSeq.set(hallId, ack.data.seq);
    }
  } catch (e) {
    closing = true;
    for (const s of screens) s.close();
    await Promise.all(devices.map((d) => d.client.endAsync(true).catch(() => undefined)));
    throw e;
  }
  hooks.log(`${screens.length} hall screens joined`);

  // ── phases ──
  const results: PhaseResult[] = [];
  const skipped: PhasePlan[] = [];
  let saturated = false;
  let msgCounter = 0;
  try {
    for (const p of plan.phases) {
      if (saturated && p.kind === 'step') {
        skipped.push(p);
        continue;
      }
      const st: PhaseState = { plan: p, reqs: [], scored: false, late: 0, completed: 0, answered: 0 };
      await hooks.phase(p.name, 'start');
      const eld = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
      eld.enable();
      hooks.log(`phase ${p.name}: ${p.rate}/s for ${p.seconds} s`);

      // Open-loop schedule with absolute due times.
      const n = Math.round(p.rate * p.seconds);
      const interval = 1000 / p.rate;
      const t0 = performance.now() + 5;
      let k = 0;
      await new Promise<void>((resolve) => {
        const tick = () => {
          const now = performance.now();
          while (k < n && t0 + k * interval <= now) {
            const dev = devices[k % devices.length]!;
            const item = dev.b.items[dev.n++ % dev.b.items.length]!;
            const id = `b${(++msgCounter).toString(36)}`;
            const r: Req = {
              id,
              phase: st,
              device: dev,
              due: t0 + k * interval,
              sent: performance.now(),
              replyAt: 0,
              deltaAt: 0,
              error: null,
            };
            st.reqs.push(r);
            byId.set(id, r);
            dev.client.publish(
              dev.topic,
              JSON.stringify({ v: 1, id, ts: Date.now(), type: 'ticket.request', data: { itemCode: item } }),
              { qos: 1 },
              (err) => {
                if (err && !r.replyAt) {
                  markReply(r, performance.now());
                  r.error = `publish: ${err.message}`;
                  markDone(r);
                }
              },
            );
            k++;
          }
          if (k >= n) return resolve();
          setTimeout(tick, Math.max(0, t0 + k * interval - performance.now() - 1));
        };
        tick();
      });
      const lastSent = st.reqs.length ? st.reqs[st.reqs.length - 1]!.sent : t0;
      const deadline = lastSent + plan.lostAfterMs;
      while (performance.now() < deadline && st.completed < n) await sleep(20);
      const scoredAt = performance.now();
      st.scored = true;
      eld.disable();
      const res = score(st, eld, scoredAt - lastSent);
      results.push(res);
      if (p.kind === 'step' && plan.saturatedBelow > 0 && res.issuedRate < plan.saturatedBelow * p.rate)
        saturated = true;
      await hooks.phase(p.name, 'end');

      // Let the server's backlog drain so that the next phase starts clean.
      const qEnd = performance.now() + plan.quiesceMaxMs;
      while (performance.now() < qEnd && (st.answered < n || st.completed < n)) await sleep(50);
      await sleep(300);
      res.late = st.late;
      res.neverDelivered = n - st.completed;
    }
  } finally {
    closing = true;
    for (const s of screens) s.close();
    await Promise.all(devices.map((d) => d.client.endAsync().catch(() => undefined)));
  }
  return { phases: results, skipped, seqGaps, seqOutOfOrder, disconnects };
}

function score(st: PhaseState, eld: ReturnType<typeof monitorEventLoopDelay>, drainMs: number): PhaseResult {
  const p = st.plan;
  const reqs = st.reqs;
  const errors: Record<string, number> = {};
  const toReply: number[] = [];
  const toDelta: number[] = [];
  const dueToDelta: number[] = [];
  const lag: number[] = [];
  let replies = 0,
    lost = 0,
    noReply = 0,
    errorCount = 0,
    lastReply = 0;
  const perHall = new Map<string, { n: number; lost: number; lat: number[] }>();
  for (const r of reqs) {
    const h = perHall.get(r.device.b.creds.hallId) ?? { n: 0, lost: 0, lat: [] };
    perHall.set(r.device.b.creds.hallId, h);
    h.n++;
    if (!r.error) {
      if (r.deltaAt) h.lat.push(r.deltaAt - r.sent);
      else h.lost++;
    }
    lag.push(r.sent - r.due);
    if (r.error) {
      errorCount++;
      errors[r.error] = (errors[r.error] ?? 0) + 1;
      continue;
    }
    if (r.replyAt) {
      replies++;
      toReply.push(r.replyAt - r.sent);
      lastReply = Math.max(lastReply, r.replyAt);
    } else noReply++;
    if (r.deltaAt) {
      toDelta.push(r.deltaAt - r.sent);
      dueToDelta.push(r.deltaAt - r.due);
    } else lost++;
  }
  const first = reqs[0];
  const last = reqs[reqs.length - 1];
  const sentSpan = first && last ? (last.sent - first.sent) / 1000 : 0;
  const issueSpan = first && lastReply ? (lastReply - first.due) / 1000 : 0;
  return {
    name: p.name,
    kind: p.kind,
    offeredRate: p.rate,
    seconds: p.seconds,
    requests: reqs.length,
    sentRate: sentSpan > 0 ? round((reqs.length - 1) / sentSpan, 1) : 0,
    issuedRate: issueSpan > 0 ? round(replies / issueSpan, 1) : 0,
    replies,
    deltas: toDelta.length,
    errors,
    errorCount,
    lost,
    noReply,
    late: st.late,
    neverDelivered: 0,
    publishToReplyMs: summarize(toReply, noReply),
    publishToDeltaMs: summarize(toDelta, lost),
    dueToDeltaMs: summarize(dueToDelta, lost),
    schedulerLagMs: summarize(lag),
    byHall: Object.fromEntries(
      [...perHall].map(([hall, h]) => {
        const sm = summarize(h.lat, h.lost);
        return [hall, { requests: h.n, lost: h.lost, p50: sm.p50, p99: sm.p99 }];
      }),
    ),
    clientLoopDelayMs: { p50: loopMs(eld.percentile(50)), p99: loopMs(eld.percentile(99)), max: loopMs(eld.max) },
    drainMs: Math.round(drainMs),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
