import { callResultSchema, downMessages, type CallResult, type SimCaller } from '../contracts/index.ts';
import { nextIntervalMs, type Random } from './arrivals.ts';

/**
 * One simulated window caller (呼叫器, 001 §1.1.1.16): a clerk signs in with
 * account + PIN, opens the window and serves — call next, the citizen walks
 * up, start, serve for a while, complete (办结) — and now and then pauses
 * (暂停). It sends one request at a time and acts on the reply (`call.result`
 * tells the window's status and current ticket), so a restart in the middle
 * of the day finds its way back: a refused op (HALL_ERR_CONFLICT: the window
 * is already open, paused, or still holds a ticket) tries complete → resume →
 * open before calling again. A lost sign-in (revoked, timed out, a person
 * took the window over) is retried after a back-off, so the simulator does
 * not fight a person for a window.
 */
export interface CallerLoopDeps {
  caller: SimCaller;
  /** Publishes `up/{type}` with the envelope; returns the message id. */
  send(type: string, data: unknown): string;
  /** A tracked timer (stopped with the simulator). */
  later(fn: () => void, ms: number): void;
  random: Random;
  /** Mean service time now, ms (the simulator sets it from the hall's arrival rate). */
  serviceMeanMs(): number;
  fail(code: string, msg: string, extra?: object): void;
  onCalled(): void;
  onCompleted(): void;
}

export interface CallerLoop {
  start(): void;
  onReply(type: string, re: string | undefined, data: unknown): void;
}

const WALK_UP_MS = [2000, 6000] as const;
const AFTER_COMPLETE_MS = [1000, 3000] as const;
/** Polling an empty queue backs off up to this. */
const IDLE_MS = [3000, 30_000] as const;
const PAUSE_PROB = 0.04;
const PAUSE_MS = [15_000, 60_000] as const;
const SERVICE_MS = [3000, 20 * 60_000] as const;
const REPLY_TIMEOUT_MS = 15_000;
const SIGNIN_RETRY_MS = 30_000;
const SIGNIN_REFUSED_MS = 120_000;
const RECOVERY = ['call.complete', 'call.resume', 'call.open'] as const;

export function createCallerLoop(o: CallerLoopDeps): CallerLoop {
  let signedIn = false;
  let window: CallResult['window'] | null = null;
  let current: CallResult['current'] = null;
  let inflight: { id: string; type: string } | null = null;
  let recovery: string[] = [];
  let recovering = false;
  let idleMs: number = IDLE_MS[0];
  let tickToken = 0;
  const between = ([a, b]: readonly [number, number]) => a + o.random() * (b - a);

  /** One tick timer at a time: a newer schedule replaces an older one. */
  const schedule = (ms: number) => {
    const t = ++tickToken;
    o.later(() => {
      if (t === tickToken) tick();
    }, ms);
  };

  const request = (type: string, data: object = {}) => {
    const id = o.send(type, { windowId: o.caller.windowId, ...data });
    inflight = { id, type };
    // A reply lost with a dropped connection: act again rather than hang.
    o.later(() => {
      if (inflight?.id === id) {
        inflight = null;
        schedule(1000);
      }
    }, REPLY_TIMEOUT_MS);
  };

  const tick = () => {
    if (inflight) return;
    if (!signedIn) return request('caller.signin', { account: o.caller.account, pin: o.caller.pin });
    const r = recovery.shift();
    if (r) return request(r, r === 'call.complete' ? { outcome: 'done' } : {});
    if (current?.status === 'called') return request('call.start');
    if (current?.status === 'serving')
      return request('call.complete', { outcome: o.random() < 0.95 ? 'done' : 'incomplete' });
    if (!window || window.status === 'closed') return request('call.open');
    if (window.status === 'paused') return request('call.resume');
    if (o.random() < PAUSE_PROB) return request('call.pause');
    return request('call.next');
  };

  const onResult = (sent: string, data: unknown) => {
    const r = callResultSchema.safeParse(data);
    if (!r.success) {
      o.fail('SIM_BAD_REPLY', 'call.result data off contract', { deviceId: o.caller.deviceId });
      return schedule(5000);
    }
    window = r.data.window;
    current = r.data.current;
    recovery = [];
    recovering = false;
    switch (sent) {
      case 'call.next':
        if (current) {
          o.onCalled();
          idleMs = IDLE_MS[0];
          return schedule(between(WALK_UP_MS));
        }
        idleMs = Math.min(idleMs * 2, IDLE_MS[1]);
        return schedule(idleMs * (0.5 + o.random()));
      case 'call.start': {
        const ms = nextIntervalMs(1 / Math.max(1, o.serviceMeanMs()), o.random);
        return schedule(Math.min(Math.max(ms, SERVICE_MS[0]), SERVICE_MS[1]));
      }
      case 'call.complete':
        o.onCompleted();
        return schedule(between(AFTER_COMPLETE_MS));
      case 'call.pause':
        return schedule(between(PAUSE_MS));
      default:
        return schedule(500);
    }
  };

  const onError = (sent: string, data: unknown) => {
    const e = downMessages.error.safeParse(data);
    const code = e.success ? e.data.code : 'SIM_BAD_REPLY';
    if (sent === 'caller.signin') {
      o.fail(code, 'caller sign-in refused', { deviceId: o.caller.deviceId });
      return schedule(SIGNIN_REFUSED_MS);
    }
    if (code === 'HALL_ERR_UNAUTHENTICATED' || code === 'HALL_ERR_SESSION_EXPIRED') {
      signedIn = false;
      return schedule(SIGNIN_RETRY_MS);
    }
    if (code === 'HALL_ERR_CONFLICT') {
      // The window is not as we thought: find out by trying what could be pending.
      if (!recovering) {
        recovering = true;
        recovery = RECOVERY.filter((x) => x !== sent);
      } else if (recovery.length === 0) {
        // Nothing was pending: the window is open and free.
        recovering = false;
        window = { id: o.caller.windowId, no: window?.no ?? '', status: 'open', served: window?.served ?? 0 };
        current = null;
      }
      return schedule(between([1000, 3000]));
    }
    o.fail(code, 'caller op refused', { deviceId: o.caller.deviceId, type: sent });
    return schedule(10_000);
  };

  return {
    start() {
      if (!inflight) schedule(between([200, 2000]));
    },
    onReply(type, re, data) {
      if (!inflight || re !== inflight.id) return; // a QoS 1 duplicate or a reply we gave up on
      const sent = inflight.type;
      inflight = null;
      if (type === 'caller.signedin') {
        signedIn = true;
        window = null;
        current = null;
        recovery = [];
        recovering = false;
        return schedule(500);
      }
      if (type === 'call.result') return onResult(sent, data);
      if (type === 'error') return onError(sent, data);
      schedule(1000);
    },
  };
}
