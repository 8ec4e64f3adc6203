import type { HistData, Tally } from './hist.ts';

/**
 * What the coordinator (run.ts) and its generator processes (generator.ts)
 * say to each other over the fork IPC channel.
 *
 * Phases: init → ready; connect (sockets open and join, at one common instant)
 * → settled; measure (the mix runs, deltas are counted) → stop → result.
 */

/** One signed-in session the sockets or readers use. */
export interface Session {
  username: string;
  token: string;
  /** Halls this user may see (GET /api/halls with the token). */
  halls: string[];
}

/** A window a console user works at: one account signed in at one window. */
export interface WindowSlot {
  username: string;
  token: string;
  hallId: string;
  /** Chosen by the generator from GET /api/halls/:hallId/windows unless set (sim clerks: their own window). */
  windowId?: string;
  /** A sim clerk's window: the simulator works it too, so 409 conflicts are expected. */
  shared: boolean;
}

export interface SocketPlan {
  base: string;
  /** Global index of this process's first socket: socket g uses session g % K and a hall of it. */
  from: number;
  count: number;
  sessions: Session[];
  storm: boolean;
  /** Sockets per second this process opens (ramp mode); ignored with storm. */
  ratePerSec: number;
  joinTimeoutMs: number;
  /** A socket not joined this long after the start counts as failed (it keeps trying). */
  settleTimeoutMs: number;
}

export interface MixPlan {
  base: string;
  readers: number;
  operators: number;
  leaders: number;
  readerSessions: Session[];
  slots: WindowSlot[];
  leaderSessions: Session[];
  /** One socket per hall with this session gathers the ticket ids of ticket.issued (a citizen's slip). */
  feed: Session;
  readerEveryMs: number;
  opThinkMs: number;
  leaderRefreshMs: number;
  /** Give each citizen its own client address in X-Forwarded-For (the server trusts it from loopback only). */
  xff: boolean;
  signOut: boolean;
}

export type ToChild =
  | { t: 'init'; role: 'sockets'; plan: SocketPlan }
  | { t: 'init'; role: 'mix'; plan: MixPlan }
  | { t: 'connect'; startAt: number }
  | { t: 'measure'; durationMs: number }
  | { t: 'stop' };

export interface Progress {
  created: number;
  connected: number;
  joined: number;
  failed: number;
  busy: number;
  deltas: number;
  requests: number;
  errors: number;
}

export interface ProcStats {
  pid: number;
  /** Event-loop delay of the generator: when it is high, the generator, not the server, is the bottleneck. */
  loopLagMs: { p50: number; p99: number; max: number };
  cpuMs: { user: number; system: number };
  rssMb: number;
}

export interface SocketResult {
  kind: 'sockets';
  proc: ProcStats;
  sockets: number;
  startAt: number;
  /** When this process's last socket joined for the first time (epoch ms); null if none did. */
  lastJoinAt: number | null;
  /** Joined for the first time before the settle timeout. */
  joined: number;
  /** Joined after the settle timeout (still counted as failed in the storm). */
  joinedLate: number;
  /** Final reasons for sockets that never joined, or joined too late. */
  failed: Tally;
  /** Refusals with HALL_ERR_BUSY: at the handshake and on hall:join (not failures: retried after retryAfterMs + jitter). */
  busyHandshake: number;
  busyJoin: number;
  /** hall:join / hall:resync refused with HALL_ERR_RATE_LIMITED (per-socket join limit); retried, not failed. */
  joinsLimited: number;
  /** Every new try: busy retries, join timeouts, transport reconnects. */
  retries: number;
  /** Transport-level connect errors by message (socket.io-client retries these itself). */
  connectErrors: Tally;
  disconnects: Tally;
  reconnects: number;
  /** Socket creation → first successful join; handshake: creation → connect; ack: hall:join emit → ack. */
  join: HistData;
  handshake: HistData;
  joinAck: HistData;
  delta: HistData;
  gaps: number;
  resyncs: number;
  /** Sockets joined at the moment the run stopped. */
  joinedAtStop: number;
}

export interface MixResult {
  kind: 'mix';
  proc: ProcStats;
  readers: number;
  operators: number;
  leaders: number;
  slots: { username: string; hallId: string; windowId: string; shared: boolean }[];
  /** By request name (halls, snapshot, ticket, console, op:next, leader:trend, …). */
  http: Record<string, HistData>;
  /** By kind: read, op. */
  kinds: Record<string, HistData>;
  requests: Tally;
  /** `name status code` → count (network errors: status 0). */
  errors: Tally;
  /**
   * Window ops refused with 409 because the demo's simulator works the same windows
   * (HALL_ERR_CONFLICT: it moved the window's state; HALL_ERR_NOT_AT_WINDOW: its caller
   * signed its clerk back in at a window the operator had taken over). Not errors.
   */
  conflicts: Tally;
  /** Reader iterations that had no ticket to poll yet. */
  noTicket: number;
  ticketsSeen: number;
  delta: HistData;
  setupErrors: string[];
}

export type FromChild =
  | { t: 'ready' }
  | { t: 'settled' }
  | { t: 'progress'; p: Progress }
  | { t: 'result'; r: SocketResult | MixResult }
  | { t: 'fatal'; message: string };
