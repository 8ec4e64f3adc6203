import type { WindowSummary } from '../../contracts/console.ts';
import {
  activeQueuesOf,
  queueById,
  type HallDayState,
  type HallQueueConfig,
  type WindowConfig,
} from '../domain/queue/index.ts';
import type { WindowStaff } from '../store/window-staff-repo.ts';

/**
 * The console's window chooser (呼叫端, docs/console.md): every window of the hall with
 * its status, the ticket it holds, today's completions, who is signed in and
 * the queues it serves now (its time period, 按时间段). Built from the queue
 * view (queue-service.ts `view`) and the `window_staff` rows; no I/O here.
 */
export function windowSummary(
  cfg: WindowConfig,
  state: HallDayState,
  config: HallQueueConfig,
  staff: WindowStaff | undefined,
  now: Date,
  meUserId: number | null,
): WindowSummary {
  const st = state.windows[cfg.id];
  const cur = st?.current !== undefined ? state.tickets[st.current] : undefined;
  return {
    id: cfg.id,
    no: cfg.no,
    name: cfg.name ?? null,
    status: st?.status ?? 'closed',
    currentTicketNo: cur?.no ?? null,
    served: st?.served ?? 0,
    staff: staff
      ? { username: staff.username, via: staff.via, since: staff.since.toISOString(), me: staff.userId === meUserId }
      : null,
    queues: activeQueuesOf(cfg, now, config.tz).map((q) => ({
      id: q.queueId,
      name: queueById(config, q.queueId)?.name ?? q.queueId,
    })),
  };
}

/** Windows in their number order (1, 2, … 10), as staff count them. */
export function windowSummaries(
  state: HallDayState,
  config: HallQueueConfig,
  staff: readonly WindowStaff[],
  now: Date,
  meUserId: number | null,
): WindowSummary[] {
  const byWindow = new Map(staff.map((s) => [s.windowId, s]));
  return [...config.windows]
    .sort((a, b) => a.no.localeCompare(b.no, 'zh-CN', { numeric: true }))
    .map((w) => windowSummary(w, state, config, byWindow.get(w.id), now, meUserId));
}
