import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, HallDelta, ServerToClientEvents } from '../../contracts/index.ts';
import { Hist, bump, type Tally } from './hist.ts';
import { errorCodeOf, retryAfterMsOf } from './http.ts';
import type { Session, SocketResult } from './protocol.ts';

type HallSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Live walls: sockets that connect with a staff token, join `hall:{id}`, keep
 * the hall's seq and resync on a gap, as the dashboard does
 * (dashboard/src/live/). WebSocket transport only; socket.io-client's own
 * reconnection (with jitter) after transport loss, and a re-join on every
 * connect (rooms do not survive a reconnect).
 *
 * Refusals with HALL_ERR_BUSY — at the handshake (connect_error data) or on
 * hall:join (ack `{ok:false,error}`) — are the server admitting at its own
 * rate: the socket waits `retryAfterMs` plus jitter and tries again. They are
 * counted, not failed; so is HALL_ERR_RATE_LIMITED on hall:join or
 * hall:resync (the per-socket join limit, SOCKET_JOINS_PER_SEC): wait
 * `retryAfterSec`, try again. Any other coded refusal (HALL_ERR_TOO_MANY_SOCKETS,
 * HALL_ERR_UNAUTHENTICATED, HALL_ERR_FORBIDDEN, …) fails the socket with that
 * reason.
 */

interface Conn {
  s: HallSocket;
  hallId: string;
  createdAt: number;
  connectedOnce: boolean;
  joinedOnce: boolean;
  joined: boolean;
  /** Set once the socket gives up (a final refusal). */
  failed: string | null;
  lastError: string | null;
  lastSeq: number | null;
  resyncing: boolean;
  joining: boolean;
}

export interface FleetOptions {
  base: string;
  joinTimeoutMs: number;
  /** Called with every delta (the mix's ticket feed reads ticket.issued). */
  onDelta?: (d: HallDelta) => void;
}

export class SocketFleet {
  private readonly conns: Conn[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  measuring = false;
  startAt = 0;
  settleDeadline = Infinity;
  lastJoinAt: number | null = null;
  joinedInTime = 0;
  joinedLate = 0;
  busyHandshake = 0;
  busyJoin = 0;
  /** hall:join / hall:resync refused with HALL_ERR_RATE_LIMITED (the server's per-socket join limit). */
  joinsLimited = 0;
  retries = 0;
  reconnects = 0;
  gaps = 0;
  resyncs = 0;
  deltas = 0;
  readonly connectErrors: Tally = {};
  readonly disconnects: Tally = {};
  readonly join = new Hist();
  readonly handshake = new Hist();
  readonly joinAck = new Hist();
  readonly delta = new Hist();

  constructor(private readonly o: FleetOptions) {}

  get created(): number {
    return this.conns.length;
  }
  get connected(): number {
    let n = 0;
    for (const c of this.conns) if (c.s.connected) n++;
    return n;
  }
  get joinedNow(): number {
    let n = 0;
    for (const c of this.conns) if (c.joined) n++;
    return n;
  }
  get everJoined(): number {
    return this.joinedInTime + this.joinedLate;
  }
  get finallyFailed(): number {
    let n = 0;
    for (const c of this.conns) if (c.failed !== null) n++;
    return n;
  }
  /** Every socket joined at least once or gave up. */
  get settled(): boolean {
    return this.conns.every((c) => c.joinedOnce || c.failed !== null);
  }

  open(session: Session, hallId: string): void {
    const s: HallSocket = io(this.o.base, {
      transports: ['websocket'],
      auth: { token: session.token },
      forceNew: true,
      reconnection: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 10_000,
      randomizationFactor: 0.5,
      timeout: 20_000,
    });
    const c: Conn = {
      s,
      hallId,
      createdAt: Date.now(),
      connectedOnce: false,
      joinedOnce: false,
      joined: false,
      failed: null,
      lastError: null,
      lastSeq: null,
      resyncing: false,
      joining: false,
    };
    this.conns.push(c);

    s.on('connect', () => {
      if (!c.connectedOnce) {
        c.connectedOnce = true;
        this.handshake.add(Date.now() - c.createdAt);
      }
      this.joinHall(c);
    });
    s.on('connect_error', (err: Error & { data?: unknown }) => {
      if (this.stopped || c.failed) return;
      const code = errorCodeOf(err.data);
      if (s.active) {
        // A transport error: the manager reconnects by itself, with back-off and jitter.
        c.lastError = err.message || 'connect_error';
        bump(this.connectErrors, c.lastError);
        this.retries++;
        return;
      }
      if (code === 'HALL_ERR_BUSY') {
        this.busyHandshake++;
        this.retries++;
        c.lastError = 'HALL_ERR_BUSY';
        this.later(() => s.connect(), busyWait(err.data));
        return;
      }
      this.fail(c, code ?? err.message ?? 'connect_error');
    });
    s.on('disconnect', (reason) => {
      c.joined = false;
      c.joining = false;
      if (this.stopped) return;
      bump(this.disconnects, reason);
      c.lastError = `disconnect: ${reason}`;
      // The server closed it on purpose (session ended, shedding): the client does not reconnect by itself.
      if (reason === 'io server disconnect' && !c.failed) this.later(() => s.connect(), 1000 + Math.random() * 2000);
    });
    s.on('session:ended', (e) => {
      this.fail(c, `session:ended ${errorCodeOf(e) ?? ''}`.trim());
    });
    s.io.on('reconnect', () => {
      this.reconnects++;
    });
    s.on('hall:delta', (d) => this.onDelta(c, d));
  }

  private onDelta(c: Conn, d: HallDelta): void {
    const now = Date.now();
    if (this.measuring) {
      const at = Date.parse(d.event.at);
      if (Number.isFinite(at)) {
        this.delta.add(now - at);
        this.deltas++;
      }
    }
    this.o.onDelta?.(d);
    if (c.lastSeq === null || c.resyncing) return;
    if (d.seq <= c.lastSeq) return;
    if (d.seq === c.lastSeq + 1) {
      c.lastSeq = d.seq;
      return;
    }
    // A gap: ask for a fresh snapshot, as the wall does.
    this.gaps++;
    c.resyncing = true;
    this.resync(c);
  }

  /** hall:resync until it answers; deltas meanwhile wait for the snapshot's seq. */
  private resync(c: Conn): void {
    if (this.stopped || c.failed || !c.s.connected) {
      c.resyncing = false;
      return;
    }
    this.resyncs++;
    c.s.timeout(this.o.joinTimeoutMs).emit('hall:resync', { hallId: c.hallId }, (err, res) => {
      if (!err && res.ok) {
        c.lastSeq = res.data.seq;
        c.resyncing = false;
        return;
      }
      const code = err ? 'resync-timeout' : (errorCodeOf(res) ?? 'resync-refused');
      if (code === 'HALL_ERR_RATE_LIMITED') this.joinsLimited++;
      if (code === 'HALL_ERR_BUSY') this.busyJoin++;
      this.retries++;
      this.later(() => this.resync(c), err ? 1000 : busyWait(res));
    });
  }

  private joinHall(c: Conn): void {
    if (this.stopped || c.failed || c.joining || !c.s.connected) return;
    c.joining = true;
    const t0 = Date.now();
    c.s.timeout(this.o.joinTimeoutMs).emit('hall:join', { hallId: c.hallId }, (err, res) => {
      c.joining = false;
      if (this.stopped || c.failed) return;
      const now = Date.now();
      if (err) {
        c.lastError = 'join-timeout';
        this.retries++;
        this.later(() => this.joinHall(c), 500 + Math.random() * 1000);
        return;
      }
      if (res.ok) {
        this.joinAck.add(now - t0);
        c.joined = true;
        c.lastSeq = res.data.seq;
        if (!c.joinedOnce) {
          c.joinedOnce = true;
          this.join.add(now - c.createdAt);
          if (now <= this.settleDeadline) {
            this.joinedInTime++;
            this.lastJoinAt = Math.max(this.lastJoinAt ?? 0, now);
          } else this.joinedLate++;
        }
        return;
      }
      const code = res.error?.code ?? errorCodeOf(res) ?? 'join-refused';
      if (code === 'HALL_ERR_BUSY' || code === 'HALL_ERR_RATE_LIMITED') {
        // Admission (BUSY) or the per-socket join limit (RATE_LIMITED): come back when told.
        if (code === 'HALL_ERR_BUSY') this.busyJoin++;
        else this.joinsLimited++;
        this.retries++;
        c.lastError = code;
        this.later(() => this.joinHall(c), busyWait(res));
        return;
      }
      this.fail(c, code);
    });
  }

  private fail(c: Conn, reason: string): void {
    if (c.failed) return;
    c.failed = reason;
    c.joined = false;
    c.s.disconnect();
  }

  private later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, ms);
    this.timers.add(t);
  }

  /** Why each socket that did not join before the settle deadline did not. */
  failures(): Tally {
    const out: Tally = {};
    for (const c of this.conns) {
      if (c.failed) bump(out, c.joinedOnce ? `dropped: ${c.failed}` : c.failed);
      else if (!c.joinedOnce) bump(out, `not joined (last: ${c.lastError ?? 'no answer'})`);
    }
    // Joined, but after the deadline: late for the storm.
    if (this.joinedLate > 0) bump(out, 'joined after the settle timeout', this.joinedLate);
    return out;
  }

  close(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const c of this.conns) {
      c.s.removeAllListeners();
      c.s.disconnect();
    }
  }

  result(proc: SocketResult['proc']): SocketResult {
    return {
      kind: 'sockets',
      proc,
      sockets: this.conns.length,
      startAt: this.startAt,
      lastJoinAt: this.lastJoinAt,
      joined: this.joinedInTime,
      joinedLate: this.joinedLate,
      failed: this.failures(),
      busyHandshake: this.busyHandshake,
      busyJoin: this.busyJoin,
      joinsLimited: this.joinsLimited,
      retries: this.retries,
      connectErrors: this.connectErrors,
      disconnects: this.disconnects,
      reconnects: this.reconnects,
      join: this.join.data(),
      handshake: this.handshake.data(),
      joinAck: this.joinAck.data(),
      delta: this.delta.data(),
      gaps: this.gaps,
      resyncs: this.resyncs,
      joinedAtStop: this.joinedNow,
    };
  }
}

/** retryAfterMs from the refusal plus jitter (up to half of it, at least 250 ms), so the retries spread out. */
function busyWait(data: unknown): number {
  const ms = retryAfterMsOf(data, 1000);
  return ms + Math.random() * Math.max(250, ms / 2);
}
