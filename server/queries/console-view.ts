import { HallError } from '../../contracts/index.ts';
import type { ConsoleCurrent, ConsoleResponse } from '../../contracts/console.ts';
import {
  activeQueuesOf,
  callOrderFor,
  estimateAll,
  hallPressure,
  policyOf,
  queueById,
  windowById,
  type HallQueueConfig,
  type Ticket,
} from '../domain/queue/index.ts';
import { maskIdNumber, maskName } from '../domain/masking.ts';
import type { QueueView } from '../commands/queue-service.ts';
import type { Logger } from '../logger.ts';
import type { PiiCipher } from '../security/pii.ts';
import type { Db } from '../store/pool.ts';
import { staffAtWindow, type WindowStaff } from '../store/window-staff-repo.ts';
import { staffFiguresToday, type StaffFigures } from './staff-figures.ts';
import { windowSummary } from './window-summaries.ts';

/**
 * The window console's one screen (呼叫端, 001 §1.1.1.16; docs/console.md): the
 * window, the ticket it holds with the applicant's ID number MASKED, the
 * waiting lists of the queues it serves now in the order call-next would take
 * them (pick-next.ts `callOrderFor`) with each ticket's wait estimate
 * (wait-estimate.ts `estimateAll`), the no-shows a late comer may still
 * re-activate, the user's own figures today and the hall's pressure value
 * (压力值, pressure.ts). Read from `queue.view` (no lock: a screen, not an
 * operation) — the next delta on the hall's socket room triggers a re-read.
 */

const minutes = (from: string, now: Date) => Math.max(0, Math.round((now.getTime() - Date.parse(from)) / 60_000));

function itemName(config: HallQueueConfig, code: string): string {
  for (const d of config.departments) for (const i of d.items) if (i.code === code) return i.name;
  return code;
}

/** What the console may show of the applicant: masked forms only, decrypted here and never sent whole. */
export interface MaskedIdentity {
  idNumberMasked: string | null;
  nameMasked: string | null;
}

export interface ConsoleInputs {
  view: QueueView;
  hallId: string;
  windowId: string;
  now: Date;
  staff: WindowStaff | null;
  meUserId: number;
  username: string;
  figures: StaffFigures;
  identity: MaskedIdentity;
}

function currentOf(t: Ticket, config: HallQueueConfig, identity: MaskedIdentity): ConsoleCurrent {
  return {
    ticketId: t.id,
    ticketNo: t.no,
    status: t.status,
    class: t.class,
    queue: { id: t.queueId, name: queueById(config, t.queueId)?.name ?? t.queueId },
    item: { code: t.itemCode, name: itemName(config, t.itemCode) },
    takenAt: t.takenAt,
    calledAt: t.calledAt ?? null,
    startedAt: t.startedAt ?? null,
    waitedMin: t.calledAt ? minutes(t.takenAt, new Date(t.calledAt)) : 0,
    calls: t.calls,
    recalls: t.recalls,
    transfers: t.transfers,
    ...identity,
  };
}

/** The console payload from the queue view and what was read beside it. Pure. */
export function buildConsole(i: ConsoleInputs): ConsoleResponse {
  const { state, config, hallName } = i.view;
  const cfg = windowById(config, i.windowId);
  if (!cfg) throw new HallError('HALL_ERR_NOT_FOUND', `no window ${i.windowId} in hall ${i.hallId}`);
  const st = state.windows[cfg.id];
  const cur = st?.current !== undefined ? state.tickets[st.current] : undefined;
  const policy = policyOf(config);

  const active = activeQueuesOf(cfg, i.now, config.tz);
  const estimates = new Map(estimateAll(state, i.now, config).map((e) => [e.ticketId, e]));
  const waiting = callOrderFor(state, cfg.id, i.now, config).map((c) => {
    const t = c.ticket;
    const e = estimates.get(t.id);
    return {
      ticketId: t.id,
      ticketNo: t.no,
      class: t.class,
      queueId: t.queueId,
      itemCode: t.itemCode,
      itemName: itemName(config, t.itemCode),
      takenAt: t.takenAt,
      waitedMin: Math.round(c.waitedMin),
      starving: c.starving,
      transferredHere: t.targetWindowId === cfg.id,
      waitingAhead: e?.waitingAhead ?? 0,
      estimate: e?.estimate ?? null,
    };
  });
  const tickets = Object.values(state.tickets);
  const queues = active.map((q) => {
    const qc = queueById(config, q.queueId);
    const n = tickets.filter(
      (t) => t.status === 'waiting' && t.queueId === q.queueId && t.targetWindowId === undefined,
    ).length;
    return { id: q.queueId, name: qc?.name ?? q.queueId, prefix: qc?.prefix ?? '', weight: q.weight, waiting: n };
  });
  const limitMs = policy.reactivateWithinMin * 60_000;
  const skipped = tickets
    .filter(
      (t) =>
        t.windowId === cfg.id &&
        t.skippedAt !== undefined &&
        (t.status === 'skipped' || (t.status === 'dropped' && t.dropReason === 'no-show')) &&
        i.now.getTime() - Date.parse(t.skippedAt) <= limitMs,
    )
    .map((t) => ({
      ticketId: t.id,
      ticketNo: t.no,
      queueId: t.queueId,
      status: t.status as 'skipped' | 'dropped',
      skippedAt: t.skippedAt!,
      reactivateUntil: new Date(Date.parse(t.skippedAt!) + limitMs).toISOString(),
    }));
  const p = hallPressure(state, config);

  return {
    hallId: i.hallId,
    hallName,
    day: state.day,
    at: i.now.toISOString(),
    window: windowSummary(cfg, state, config, i.staff ?? undefined, i.now, i.meUserId),
    current: cur ? currentOf(cur, config, i.identity) : null,
    queues,
    waiting,
    skipped,
    figures: {
      username: i.username,
      served: i.figures.served,
      avgHandlingMin: i.figures.avgHandlingMin,
      ratingsReceived: null,
      ratingsNote: 'ratings (好差评) arrive with issue 6',
    },
    pressure: {
      value: p.clearMin === null ? null : Math.round(p.clearMin * 10) / 10,
      level: p.level,
      waiting: p.waiting,
      openWindows: p.openWindows,
    },
    transferTargets: {
      queues: config.queues.map((q) => ({ id: q.id, name: q.name, prefix: q.prefix })),
      windows: config.windows
        .filter((w) => w.id !== cfg.id)
        .sort((a, b) => a.no.localeCompare(b.no, 'zh-CN', { numeric: true }))
        .map((w) => ({ id: w.id, no: w.no, status: state.windows[w.id]?.status ?? 'closed' })),
    },
  };
}

export interface ConsoleDeps {
  db: Db;
  pii: PiiCipher;
  logger: Logger;
}

/**
 * Decrypts the current ticket's ID number and name only to mask them
 * (server/domain/masking.ts); a ticket whose data cannot be decrypted shows
 * nothing rather than failing the whole console.
 */
async function maskedIdentity(deps: ConsoleDeps, ticketId: string): Promise<MaskedIdentity> {
  const r = await deps.db.query<{ id_number_enc: string | null; name_enc: string | null }>(
    'SELECT id_number_enc, name_enc FROM tickets WHERE id = $1',
    [ticketId],
  );
  const row = r.rows[0];
  try {
    return {
      idNumberMasked: row?.id_number_enc ? maskIdNumber(deps.pii.decrypt(row.id_number_enc)) : null,
      nameMasked: row?.name_enc ? maskName(deps.pii.decrypt(row.name_enc)) : null,
    };
  } catch (e) {
    deps.logger.error(
      { ticketId, reason: (e as Error).message },
      'personal data could not be decrypted for the console',
    );
    return { idNumberMasked: null, nameMasked: null };
  }
}

export async function loadConsole(
  deps: ConsoleDeps,
  view: QueueView,
  hallId: string,
  windowId: string,
  now: Date,
  me: { userId: number; username: string },
): Promise<ConsoleResponse> {
  const cfg = windowById(view.config, windowId);
  if (!cfg) throw new HallError('HALL_ERR_NOT_FOUND', `no window ${windowId} in hall ${hallId}`);
  const cur = view.state.windows[windowId]?.current;
  const [staff, figures, identity] = await Promise.all([
    staffAtWindow(deps.db, windowId),
    staffFiguresToday(deps.db, hallId, view.state.day, me.userId),
    cur !== undefined ? maskedIdentity(deps, cur) : Promise.resolve({ idNumberMasked: null, nameMasked: null }),
  ]);
  return buildConsole({
    view,
    hallId,
    windowId,
    now,
    staff,
    meUserId: me.userId,
    username: me.username,
    figures,
    identity,
  });
}
