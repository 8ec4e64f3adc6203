import type pg from 'pg';
import type { DomainEvent } from '../../contracts/index.ts';
import { listenChannel, type ChannelListener } from './channel-listener.ts';
import type { Db } from './pool.ts';

/** NOTIFY channel of migration 016: every hall's events and snapshot-relevant changes, at commit. */
export const HALL_FEED_CHANNEL = 'hall_feed';

export type HallFeedNotice =
  /** A committed event (the outbox row's payload). */
  | { kind: 'event'; event: DomainEvent }
  /** An event too large for NOTIFY: read it from the outbox. */
  | { kind: 'large'; hallId: string; seq: number }
  /** Something the hall's snapshot shows changed without an event (windows, queues, devices, staff, name). */
  | { kind: 'changed'; hallId: string; table: string };

/** Parses one payload; null for anything that is not one of the three shapes (never throws). */
export function parseHallFeed(payload: string): HallFeedNotice | null {
  let v: unknown;
  try {
    v = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (typeof o.hallId !== 'string') return null;
  if (typeof o.changed === 'string') return { kind: 'changed', hallId: o.hallId, table: o.changed };
  if (typeof o.seq !== 'number') return null;
  if (o.large === true) return { kind: 'large', hallId: o.hallId, seq: o.seq };
  if (typeof o.type !== 'string' || typeof o.at !== 'string') return null;
  return { kind: 'event', event: v as DomainEvent };
}

export interface HallFeedOptions {
  onNotice(n: HallFeedNotice): void;
  onListening(reconnect: boolean): void;
  onLost(): void;
  log: { warn(obj: object, msg: string): void };
  heartbeatMs?: number;
  retryMs?: number;
}

/** `LISTEN hall_feed` on one dedicated connection (channel-listener.ts). */
export function listenHallFeed(db: Db, o: HallFeedOptions): Promise<ChannelListener> {
  return listenChannel(db, {
    channel: HALL_FEED_CHANNEL,
    onPayload: (p) => {
      const n = parseHallFeed(p);
      if (n) o.onNotice(n);
      else o.log.warn({ payload: p.slice(0, 200) }, 'hall feed notice not understood');
    },
    onListening: (_c: pg.PoolClient, reconnect) => o.onListening(reconnect),
    onLost: o.onLost,
    log: o.log,
    lostMessage: 'hall feed listener lost its database connection; views will be rebuilt, reconnecting',
    heartbeatQuery: 'SELECT 1 AS hall_feed_listener',
    ...(o.heartbeatMs === undefined ? {} : { heartbeatMs: o.heartbeatMs }),
    ...(o.retryMs === undefined ? {} : { retryMs: o.retryMs }),
  });
}

/** A hall's events with afterSeq < seq ≤ uptoSeq, in seq order: the repair read of a view. */
export async function hallEventsBetween(
  db: Db,
  hallId: string,
  afterSeq: number,
  uptoSeq: number,
): Promise<DomainEvent[]> {
  const r = await db.query<{ payload: DomainEvent }>({
    name: 'hall-events-between',
    text: 'SELECT payload FROM outbox WHERE hall_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq',
    values: [hallId, afterSeq, uptoSeq],
  });
  return r.rows.map((x) => x.payload);
}
