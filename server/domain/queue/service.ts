import { HallError } from '../../../contracts/index.ts';
import type { CompleteCommand, StartCommand, TransferCommand } from './commands.ts';
import { policyOf, queueById, windowById, type HallQueueConfig, type TicketClass } from './config.ts';
import {
  currentTicketOf,
  OUTCOMES,
  windowOf,
  withTicket,
  withWindow,
  type HallDayState,
  type OpResult,
  type Ticket,
} from './state.ts';
import { step } from './step.ts';

/**
 * Service at the window: start (开始办理), complete (办结) and transfer (转移)
 * (001 §1.1.1.16, DOMAIN.md "Queue and calling" and "Case flow").
 */

/** The citizen is at the desk: called → serving. */
export function startService(state: HallDayState, cmd: StartCommand, now: Date, config: HallQueueConfig): OpResult {
  return step(state, now, config, (s) => {
    const { cfg, st } = windowOf(s, cmd.windowId, config);
    const t = currentTicketOf(s, st, cmd.ticketId);
    if (t.status !== 'called')
      throw new HallError('HALL_ERR_CONFLICT', `ticket ${t.no} is ${t.status}; service starts after a call`);
    const at = now.toISOString();
    return {
      state: withTicket(s, { ...t, status: 'serving', startedAt: at }),
      events: [{ type: 'service.started', at, ticketId: t.id, ticketNo: t.no, windowId: cfg.id, windowNo: cfg.no }],
    };
  });
}

/**
 * Complete (办结) with an outcome. Accepted from `serving`, and from `called`
 * too for windows that never press start (service then counts from the
 * call). Frees the window, records the service time for the wait estimate
 * (last `recentK` per queue), opens the case (`case.opened`, 办件) and asks the
 * window's rating terminal for the review (`rating.prompt`, 一次一评).
 */
export function completeService(
  state: HallDayState,
  cmd: CompleteCommand,
  now: Date,
  config: HallQueueConfig,
): OpResult {
  return step(state, now, config, (s) => {
    if (!OUTCOMES.includes(cmd.outcome))
      throw new HallError('HALL_ERR_BAD_DATA', `outcome ${String(cmd.outcome)} is not one of ${OUTCOMES.join(', ')}`);
    const { cfg, st } = windowOf(s, cmd.windowId, config);
    const t = currentTicketOf(s, st, cmd.ticketId);
    if (t.status !== 'serving' && t.status !== 'called')
      throw new HallError('HALL_ERR_CONFLICT', `ticket ${t.no} is ${t.status}`);
    const at = now.toISOString();
    const startedAt = t.startedAt ?? t.calledAt!;
    const serviceMin = Math.max(0, (now.getTime() - Date.parse(startedAt)) / 60_000);
    const ticket: Ticket = { ...t, status: 'done', outcome: cmd.outcome, startedAt, endedAt: at };
    const { current: _c, ...free } = st;
    const recent = [...(s.recentServiceMin[t.queueId] ?? []), serviceMin].slice(-policyOf(config).recentK);
    const next = {
      ...withWindow(withTicket(s, ticket), { ...free, served: st.served + 1 }),
      recentServiceMin: { ...s.recentServiceMin, [t.queueId]: recent },
    };
    const ref = { at, ticketId: t.id, ticketNo: t.no, windowId: cfg.id, windowNo: cfg.no };
    return {
      state: next,
      events: [
        {
          ...ref,
          type: 'ticket.completed',
          queueId: t.queueId,
          itemCode: t.itemCode,
          outcome: cmd.outcome,
          serviceMin: Math.round(serviceMin * 10) / 10,
        },
        {
          ...ref,
          type: 'case.opened',
          queueId: t.queueId,
          itemCode: t.itemCode,
          departmentId: cfg.departmentId,
          outcome: cmd.outcome,
          takenAt: t.takenAt,
          calledAt: t.calledAt!,
          startedAt,
          endedAt: at,
        },
        { ...ref, type: 'rating.prompt', raterDeviceId: cfg.raterDeviceId ?? null },
      ],
    };
  });
}

/**
 * Transfer (转移) the window's called or serving ticket to a queue, to a
 * window, or both (that queue, callable only by that window). The ticket keeps
 * its id, number and ORIGINAL take time, goes back to `waiting` and frees the
 * window. With policy transferAs 'transferred-back' its class becomes
 * 'transferred-back' unless its own class ranks higher (a green-channel
 * citizen stays green). Transferring to the ticket's own queue puts it back in
 * line (e.g. to fetch a missing paper).
 *
 * Refusals: neither target → HALL_ERR_BAD_DATA; unknown queue or window →
 * HALL_ERR_NOT_FOUND; a closed target window → HALL_ERR_CONFLICT.
 */
export function transfer(state: HallDayState, cmd: TransferCommand, now: Date, config: HallQueueConfig): OpResult {
  return step(state, now, config, (s) => {
    const { cfg, st } = windowOf(s, cmd.windowId, config);
    const t = currentTicketOf(s, st, cmd.ticketId);
    if (t.status !== 'called' && t.status !== 'serving')
      throw new HallError('HALL_ERR_CONFLICT', `ticket ${t.no} is ${t.status}`);
    if (cmd.toQueueId === undefined && cmd.toWindowId === undefined)
      throw new HallError('HALL_ERR_BAD_DATA', 'transfer needs a target queue or window');
    if (cmd.toQueueId !== undefined && !queueById(config, cmd.toQueueId))
      throw new HallError('HALL_ERR_NOT_FOUND', `no queue ${cmd.toQueueId} in hall ${config.hallId}`);
    if (cmd.toWindowId !== undefined) {
      if (!windowById(config, cmd.toWindowId) || !s.windows[cmd.toWindowId])
        throw new HallError('HALL_ERR_NOT_FOUND', `no window ${cmd.toWindowId} in hall ${config.hallId}`);
      if (s.windows[cmd.toWindowId]!.status === 'closed')
        throw new HallError('HALL_ERR_CONFLICT', `window ${cmd.toWindowId} is closed`);
    }
    const policy = policyOf(config);
    const rank = (c: TicketClass) => policy.classPriority.indexOf(c);
    const cls: TicketClass =
      policy.transferAs === 'transferred-back' && rank('transferred-back') < rank(t.class)
        ? 'transferred-back'
        : t.class;
    const toQueueId = cmd.toQueueId ?? t.queueId;
    const { startedAt: _s, targetWindowId: _t, ...rest } = t;
    const ticket: Ticket = {
      ...rest,
      status: 'waiting',
      queueId: toQueueId,
      class: cls,
      transfers: t.transfers + 1,
      ...(cmd.toWindowId !== undefined ? { targetWindowId: cmd.toWindowId } : {}),
    };
    const { current: _c, ...free } = st;
    return {
      state: withWindow(withTicket(s, ticket), free),
      events: [
        {
          type: 'ticket.transferred',
          at: now.toISOString(),
          ticketId: t.id,
          ticketNo: t.no,
          windowId: cfg.id,
          windowNo: cfg.no,
          fromQueueId: t.queueId,
          toQueueId,
          ...(cmd.toWindowId !== undefined ? { toWindowId: cmd.toWindowId } : {}),
          class: cls,
        },
      ],
    };
  });
}
