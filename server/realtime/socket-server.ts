import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import {
  errorBody,
  HallError,
  hallJoinSchema,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type DomainEvent,
  type HallSnapshot,
  type Ack,
  type DemoPace,
} from '../../contracts/index.ts';
import { hallScope, type StaffPrincipal } from '../domain/access/scope.ts';
import { can } from '../domain/access/permissions.ts';
import { recordDenial } from '../commands/record-denial.ts';
import { hallDay } from '../domain/hall-time.ts';
import type { Clock } from '../domain/clock.ts';
import { hallInScope, hallSnapshot } from '../store/halls-repo.ts';
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
  /** The pace of the device simulator driving the hall, if one does (the snapshot's `demoPace`). */
  demoPaceOf?: (hallId: string) => DemoPace | undefined;
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
    maxHttpBufferSize: 16 * 1024,
    pingInterval: 25_000,
    pingTimeout: 20_000,
  });

  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown }).token;
    if (typeof token !== 'string' || token.length > 200) return next(codedError('HALL_ERR_UNAUTHENTICATED'));
    (deps.sessions
      ? deps.sessions.sessionUser(token, deps.clock.now())
      : sessionUser(deps.db, token, deps.clock.now())
    ).then(
      (u) => {
        if (!u) return next(codedError('HALL_ERR_UNAUTHENTICATED'));
        socket.data.user = u;
        socket.data.tokenHash = hashToken(token);
        next();
      },
      () => next(codedError('HALL_ERR_UNAVAILABLE')),
    );
  });

  io.on('connection', (socket: HallSocket) => {
    deps.metrics.sockets.inc();
    socket.on('disconnect', () => deps.metrics.sockets.dec());
    socket.on('hall:join', (req, ack) =>
      command(socket, 'hall:join', req, ack, async (hallId) => {
        const snap = await snapshotFor(socket, hallId);
        await socket.join(`hall:${hallId}`);
        return snap;
      }),
    );
    socket.on('hall:resync', (req, ack) =>
      command(socket, 'hall:resync', req, ack, (hallId) => snapshotFor(socket, hallId)),
    );
    socket.on('hall:leave', (req, ack) =>
      command(socket, 'hall:leave', req, ack, async (hallId) => {
        await socket.leave(`hall:${hallId}`);
        return null;
      }),
    );
  });

  /** Room `hall:{id}`: permission `hall.read` and the hall in the user's scope (domain/access/socket-rooms.ts); denials are audited. */
  async function snapshotFor(socket: HallSocket, hallId: string): Promise<HallSnapshot> {
    const user = socket.data.user;
    const allowed = can(user.role, 'hall.read') && (await hallInScope(deps.db, hallScope(user), hallId));
    if (!allowed) {
      await recordDenial(
        deps.db,
        deps.clock.now(),
        { userId: user.userId, username: user.username, role: user.role, ip: socket.handshake.address },
        `room:hall:${hallId}`,
        { permission: 'hall.read' },
      );
      throw new HallError('HALL_ERR_FORBIDDEN', `hall ${hallId} is outside your scope`);
    }
    const now = deps.clock.now();
    const snap = await hallSnapshot(deps.db, hallId, hallDay(now, deps.tz), now, deps.tz);
    if (!snap) throw new HallError('HALL_ERR_NOT_FOUND');
    const demoPace = deps.demoPaceOf?.(hallId);
    return demoPace ? { ...snap, demoPace } : snap;
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
  async function sweepSessions(): Promise<number> {
    const sockets = [...io.of('/').sockets.values()];
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
  io.engine.on('close', () => clearInterval(sweepTimer));

  return {
    io,
    sweepSessions,
    stop() {
      clearInterval(sweepTimer);
    },
    /** Emits a committed event to its hall's room (across nodes when the Redis adapter is on). */
    publish(event: DomainEvent) {
      io.to(`hall:${event.hallId}`).emit('hall:delta', { hallId: event.hallId, seq: event.seq, event });
      deps.metrics.deltas.inc();
    },
  };
}

function codedError(code: 'HALL_ERR_UNAUTHENTICATED' | 'HALL_ERR_UNAVAILABLE'): Error {
  const e = new Error(code) as Error & { data: unknown };
  e.data = errorBody(code);
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
