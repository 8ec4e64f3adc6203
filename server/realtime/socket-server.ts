import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import {
  errorBody,
  HallError,
  hallJoinSchema,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type DomainEvent,
  type Ack,
  type ErrorCode,
} from '../../contracts/index.ts';
import { hallScope, type StaffPrincipal } from '../domain/access/scope.ts';
import { can } from '../domain/access/permissions.ts';
import { recordDenial } from '../commands/record-denial.ts';
import type { Clock } from '../domain/clock.ts';
import type { HallDirectory } from '../queries/hall-directory.ts';
import type { HallViews } from '../queries/hall-views.ts';
import { createAdmission } from './admission.ts';
import { hashToken, liveSessions, sessionUser } from '../store/sessions-repo.ts';
import type { SessionCache } from '../queries/session-cache.ts';
import { recordDeadLetter } from '../store/dead-letters-repo.ts';
import type { Db } from '../store/pool.ts';
import type { Metrics } from '../metrics.ts';
import type { Logger } from '../logger.ts';

interface SocketData {
  user: StaffPrincipal;
  tokenHash: string;
}
type HallSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type HallIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface RealtimeDeps {
  db: Db;
  /** Handshakes answer from memory (docs/authentication.md "Sessions"); without it they read PostgreSQL. */
  sessions?: SessionCache;
  clock: Clock;
  tz: string;
  metrics: Metrics;
  logger: Logger;
  sessionSweepMs?: number;
  /** Each hall's live view in this process (snapshots and the ordered deltas). */
  views: HallViews;
  /** Halls and regions in memory, for the room scope check. */
  halls: HallDirectory;
  /** Several processes share the port (WORKERS): no long-polling, whose requests must reach one process. */
  websocketOnly?: boolean;
  /** Storm admission and per-session limits (contracts/config.ts SOCKET_*). */
  limits?: { admitPerSec: number; maxLagMs: number; socketsPerSession: number; joinsPerSec: number };
}

/**
 * Socket.IO (DESIGN.md conventions): the staff token authenticates the
 * socket; `hall:join` checks the user's scope before the socket enters room
 * `hall:{id}` and answers with a snapshot carrying `seq`; deltas follow with
 * `seq`; a client that sees a gap asks `hall:resync`.
 */
export function createRealtime(http: HttpServer, deps: RealtimeDeps) {
  const io: HallIo = new Server(http, {
    serveClient: false,
    ...(deps.websocketOnly ? { transports: ['websocket' as const] } : {}),
    maxHttpBufferSize: 16 * 1024,
    pingInterval: 25_000,
    pingTimeout: 20_000,
  });

  const limits = deps.limits ?? { admitPerSec: 1500, maxLagMs: 250, socketsPerSession: 100, joinsPerSec: 2 };
  const joinBurst = limits.joinsPerSec * 10;
  const admission = createAdmission({ perSec: limits.admitPerSec, maxLagMs: limits.maxLagMs });
  /** Open sockets per session token hash in this process. */
  const perSession = new Map<string, number>();
  const refuse = (reason: 'busy' | 'token_cap' | 'join_flood', code: ErrorCode) => {
    deps.metrics.socketRefusals.inc({ reason });
    deps.metrics.refused.inc({ source: 'socket', code });
  };

  io.use((socket, next) => {
    // A storm is admitted at the rate this process can serve; the rest are told when to come back.
    const busy = admission.admit();
    if (busy) {
      refuse('busy', 'HALL_ERR_BUSY');
      return next(codedError('HALL_ERR_BUSY', busy));
    }
    const token = (socket.handshake.auth as { token?: unknown }).token;
    if (typeof token !== 'string' || token.length > 200) return next(codedError('HALL_ERR_UNAUTHENTICATED'));
    (deps.sessions
      ? deps.sessions.sessionUser(token, deps.clock.now())
      : sessionUser(deps.db, token, deps.clock.now())
    ).then(
      (u) => {
        if (!u) return next(codedError('HALL_ERR_UNAUTHENTICATED'));
        const tokenHash = hashToken(token);
        if ((perSession.get(tokenHash) ?? 0) >= limits.socketsPerSession) {
          refuse('token_cap', 'HALL_ERR_TOO_MANY_SOCKETS');
          return next(codedError('HALL_ERR_TOO_MANY_SOCKETS'));
        }
        socket.data.user = u;
        socket.data.tokenHash = tokenHash;
        next();
      },
      () => next(codedError('HALL_ERR_UNAVAILABLE')),
    );
  });

  // Every process sends its own sockets the deltas of its own views (fed by every process's
  // commits through the hall feed), so the broadcast stays local even with an adapter.
  deps.views.onDelta((d) => {
    io.local.to(`hall:${d.hallId}`).emit('hall:delta', d);
    deps.metrics.deltas.inc();
  });

  io.on('connection', (socket: HallSocket) => {
    deps.metrics.sockets.inc();
    const hash = socket.data.tokenHash;
    perSession.set(hash, (perSession.get(hash) ?? 0) + 1);
    socket.on('disconnect', () => {
      deps.metrics.sockets.dec();
      const n = (perSession.get(hash) ?? 1) - 1;
      if (n > 0) perSession.set(hash, n);
      else perSession.delete(hash);
    });
    // Joins and resyncs per socket: a burst of ten seconds' worth, then `joinsPerSec` (a wall switching
    // halls and resyncing for figures stays far below; a client looping on join is limited and counted).
    const joins = { tokens: joinBurst, at: performance.now() };
    socket.use((packet, next) => {
      const [event] = packet;
      if (event !== 'hall:join' && event !== 'hall:resync') return next();
      const t = performance.now();
      joins.tokens = Math.min(joinBurst, joins.tokens + ((t - joins.at) / 1000) * limits.joinsPerSec);
      joins.at = t;
      if (joins.tokens >= 1) {
        joins.tokens -= 1;
        return next();
      }
      refuse('join_flood', 'HALL_ERR_RATE_LIMITED');
      // Answered on the ack (the client waits for it), and the event goes no further.
      const ack: unknown = packet[packet.length - 1];
      if (typeof ack === 'function')
        (ack as Ack<never>)({
          ok: false,
          ...errorBody('HALL_ERR_RATE_LIMITED', 'too many joins on this socket; try again in a second', {
            retryAfterSec: 1,
          }),
        });
    });
    socket.on('hall:join', (req, ack) =>
      command(socket, 'hall:join', req, ack, async (hallId) => {
        await checkRoom(socket, hallId);
        const built = await deps.views.snapshot(hallId);
        // The view as it is now and the room entered in the same tick: no delta falls between.
        const snap = deps.views.peek(hallId) ?? built;
        void socket.join(`hall:${hallId}`);
        return snap;
      }),
    );
    socket.on('hall:resync', (req, ack) =>
      command(socket, 'hall:resync', req, ack, async (hallId) => {
        await checkRoom(socket, hallId);
        // The wall resyncs for the figures deltas do not carry (contracts/apply-delta.ts).
        return deps.views.snapshot(hallId, { fresh: true });
      }),
    );
    socket.on('hall:leave', (req, ack) =>
      command(socket, 'hall:leave', req, ack, async (hallId) => {
        await socket.leave(`hall:${hallId}`);
        return null;
      }),
    );
  });

  /** Room `hall:{id}`: permission `hall.read` and the hall in the user's scope (domain/access/socket-rooms.ts); denials are audited. */
  async function checkRoom(socket: HallSocket, hallId: string): Promise<void> {
    const user = socket.data.user;
    const allowed = can(user.role, 'hall.read') && (await deps.halls.inScope(hallScope(user), hallId));
    if (allowed) return;
    await recordDenial(
      deps.db,
      deps.clock.now(),
      { userId: user.userId, username: user.username, role: user.role, ip: socket.handshake.address },
      `room:hall:${hallId}`,
      { permission: 'hall.read' },
    );
    throw new HallError('HALL_ERR_FORBIDDEN', `hall ${hallId} is outside your scope`);
  }

  /** Validates, runs, and always acks: bad socket input is a coded error ack, counted and kept. */
  function command<T>(
    socket: HallSocket,
    name: string,
    req: unknown,
    ack: unknown,
    run: (hallId: string) => Promise<T>,
  ): void {
    const reply: Ack<T> = typeof ack === 'function' ? (ack as Ack<T>) : () => undefined;
    const parsed = hallJoinSchema.safeParse(req);
    if (!parsed.success) return fail(new HallError('HALL_ERR_BAD_REQUEST', `${name} needs {hallId}`));
    run(parsed.data.hallId).then((data) => reply({ ok: true, data }), fail);
    function fail(e: unknown) {
      const he = e instanceof HallError ? e : new HallError('HALL_ERR_INTERNAL');
      if (!(e instanceof HallError)) deps.logger.error({ err: e, event: name }, 'socket command failed');
      deps.metrics.refused.inc({ source: 'socket', code: he.code });
      if (he.code === 'HALL_ERR_BAD_REQUEST')
        void recordDeadLetter(deps.db, {
          source: 'socket',
          code: he.code,
          topic: name,
          detail: socket.data.user.username,
          payload: safeJson(req),
        });
      reply({ ok: false, ...errorBody(he.code, he.message) });
    }
  }

  /**
   * Open sockets follow their sessions (docs/authentication.md "Sessions"): once a minute the sessions
   * behind this process's sockets are checked in one query; a socket whose
   * session was revoked (logout, secadmin), expired or went idle is told
   * `session:ended` and closed. A connected screen counts as use.
   */
  async function sweepSessions(only?: (s: HallSocket) => boolean): Promise<number> {
    const sockets = [...io.of('/').sockets.values()].filter((s) => !only || only(s));
    if (sockets.length === 0) return 0;
    const live = await liveSessions(deps.db, [...new Set(sockets.map((s) => s.data.tokenHash))], deps.clock.now());
    let closed = 0;
    for (const s of sockets) {
      if (live.has(s.data.tokenHash)) continue;
      s.emit('session:ended', errorBody('HALL_ERR_SESSION_EXPIRED'));
      s.disconnect(true);
      closed++;
    }
    return closed;
  }
  const sweepTimer = setInterval(() => {
    sweepSessions().catch((err: unknown) => deps.logger.warn({ err }, 'socket session sweep failed'));
  }, deps.sessionSweepMs ?? 60_000);
  sweepTimer.unref();
  io.engine.on('close', () => {
    clearInterval(sweepTimer);
    admission.close();
  });

  return {
    io,
    sweepSessions: () => sweepSessions(),
    /**
     * A session notice (NOTIFY session_changed, any process): the sockets of that session, or of
     * that user, are checked now rather than at the minute's sweep — a logout closes them at once.
     */
    sessionChanged(key: string) {
      const userId = key.startsWith('user:') ? Number(key.slice(5)) : null;
      sweepSessions((s) => (userId !== null ? s.data.user?.userId === userId : s.data.tokenHash === key)).catch(
        (err: unknown) => deps.logger.warn({ err }, 'socket session check failed'),
      );
    },
    stop() {
      clearInterval(sweepTimer);
      admission.close();
    },
    /** A committed event of this process: into its hall's view, which sends it on in seq order. */
    publish(event: DomainEvent) {
      deps.views.accept(event);
    },
  };
}

function codedError(
  code: 'HALL_ERR_UNAUTHENTICATED' | 'HALL_ERR_UNAVAILABLE' | 'HALL_ERR_BUSY' | 'HALL_ERR_TOO_MANY_SOCKETS',
  details?: { retryAfterMs: number },
): Error {
  const e = new Error(code) as Error & { data: unknown };
  // `retryAfterMs` at the top too: clients read err.data.retryAfterMs without knowing the error shape.
  e.data = details ? { ...errorBody(code, undefined, details), ...details } : errorBody(code);
  return e;
}

function safeJson(v: unknown): string {
  // Not String(v): on an array nested a few thousand deep it overflows the stack too, and this runs
  // in a socket event handler, where a throw is an uncaught exception (found by tests/e2e/fuzz.test.ts).
  try {
    return JSON.stringify(v)?.slice(0, 4096) ?? '';
  } catch {
    return '[payload not serialisable]';
  }
}
