import { HallError } from '../../../contracts/index.ts';
import type { CallNextCommand, CallTicketCommand, ReactivateCommand, RecallCommand, SkipCommand } from './commands.ts';
import { policyOf, type HallQueueConfig, type WindowConfig } from './config.ts';
import { callDisplay } from './events.ts';
import { callableBy, pickNext } from './pick-next.ts';
import {
  currentTicketOf,
  ticketOf,
  windowOf,
  withTicket,
  withWindow,
  type HallDayState,
  type OpResult,
  type Ticket,
  type WindowState,
} from './state.ts';
import { step } from './step.ts';

/**
 * Calling (叫号, 过号, 重呼; 001 §1.1.1.16, DOMAIN.md "Queue and calling").
 * A window calls only while open and holding no ticket; pause, close and an
 * unfinished ticket are HALL_ERR_CONFLICT, an unknown window or ticket
 * HALL_ERR_NOT_FOUND.
 */

function assertCanCall(st: WindowState): void {
  if (st.status !== 'open') throw new HallError('HALL_ERR_CONFLICT', `window ${st.id} is ${st.status}`);
  if (st.current !== undefined)
    throw new HallError('HALL_ERR_CONFLICT', `window ${st.id} still holds ticket ${st.current}`);
}

function called(
  s: HallDayState,
  t: Ticket,
  cfg: WindowConfig,
  st: WindowState,
  now: Date,
  outOfOrder: boolean,
  reason?: string,
): OpResult {
  const at = now.toISOString();
  const { targetWindowId: _t, startedAt: _s, ...rest } = t;
  const ticket: Ticket = { ...rest, status: 'called', windowId: cfg.id, calledAt: at, calls: t.calls + 1 };
  const next = {
    ...withWindow(withTicket(s, ticket), { ...st, current: t.id }),
    queueCalls: { ...s.queueCalls, [t.queueId]: (s.queueCalls[t.queueId] ?? 0) + 1 },
  };
  return {
    state: next,
    events: [
      {
        type: 'ticket.called',
        at,
        ticketId: t.id,
        ticketNo: t.no,
        windowId: cfg.id,
        windowNo: cfg.no,
        queueId: t.queueId,
        class: t.class,
        waitedMin: Math.max(0, Math.round((now.getTime() - Date.parse(t.takenAt)) / 60_000)),
        call: ticket.calls,
        outOfOrder,
        ...(reason !== undefined ? { reason } : {}),
        display: callDisplay(t.no, cfg.no),
      },
    ],
  };
}

/**
 * Call next (叫号): the best ticket by the calling rule (pick-next.ts). With
 * nobody to call the state is unchanged and there is no event: the adapter
 * answers the caller "nobody waiting".
 */
export function callNext(state: HallDayState, cmd: CallNextCommand, now: Date, config: HallQueueConfig): OpResult {
  return step(state, now, config, (s) => {
    const { cfg, st } = windowOf(s, cmd.windowId, config);
    assertCanCall(st);
    const t = pickNext(s, cmd.windowId, now, config);
    return t ? called(s, t, cfg, st, now, false) : { state: s, events: [] };
  });
}

/**
 * Call a chosen waiting ticket (选叫), e.g. out of order. The ticket must be
 * one the window may call now (its active queues, or transferred to it);
 * otherwise HALL_ERR_CONFLICT (transfer it first). When it is not the ticket
 * call-next would give, the call is out of order and needs a reason
 * (HALL_ERR_BAD_DATA without one); the event records both.
 */
export function callTicket(state: HallDayState, cmd: CallTicketCommand, now: Date, config: HallQueueConfig): OpResult {
  return step(state, now, config, (s) => {
    const { cfg, st } = windowOf(s, cmd.windowId, config);
    assertCanCall(st);
    const t = ticketOf(s, cmd.ticketId);
    if (t.status !== 'waiting') throw new HallError('HALL_ERR_CONFLICT', `ticket ${t.no} is ${t.status}, not waiting`);
    if (!callableBy(t, cfg.id, now, config)) {
      throw new HallError(
        'HALL_ERR_CONFLICT',
        t.targetWindowId !== undefined
          ? `ticket ${t.no} is transferred to window ${t.targetWindowId}`
          : `window ${cfg.no} does not serve queue ${t.queueId} now`,
      );
    }
    const outOfOrder = pickNext(s, cfg.id, now, config)?.id !== t.id;
    const reason = cmd.reason?.trim() || undefined;
    if (outOfOrder && reason === undefined)
      throw new HallError('HALL_ERR_BAD_DATA', `calling ${t.no} out of order needs a reason`);
    return called(s, t, cfg, st, now, outOfOrder, reason);
  });
}

/** Recall (重呼): the called ticket again on the LED and voice, counted. Only before service starts. */
export function recall(state: HallDayState, cmd: RecallCommand, now: Date, config: HallQueueConfig): OpResult {
  return step(state, now, config, (s) => {
    const { cfg, st } = windowOf(s, cmd.windowId, config);
    const t = currentTicketOf(s, st, cmd.ticketId);
    if (t.status !== 'called')
      throw new HallError('HALL_ERR_CONFLICT', `ticket ${t.no} is ${t.status}; only a called ticket is recalled`);
    const ticket: Ticket = { ...t, recalls: t.recalls + 1 };
    return {
      state: withTicket(s, ticket),
      events: [
        {
          type: 'ticket.recalled',
          at: now.toISOString(),
          ticketId: t.id,
          ticketNo: t.no,
          windowId: cfg.id,
          windowNo: cfg.no,
          recalls: ticket.recalls,
          display: callDisplay(t.no, cfg.no),
        },
      ],
    };
  });
}

/**
 * Skip / no-show (过号) of the called ticket; frees the window. Policy
 * 'return': the ticket is `skipped` and returns after `afterN` further calls
 * of its queue (rule in pick-next.ts), at most `maxReturns` times — the skip
 * after that drops it. Policy 'drop': dropped at once. A dropped or skipped
 * ticket can be re-activated by a late comer (reactivate).
 */
export function skip(state: HallDayState, cmd: SkipCommand, now: Date, config: HallQueueConfig): OpResult {
  return step(state, now, config, (s) => {
    const { cfg, st } = windowOf(s, cmd.windowId, config);
    const t = currentTicketOf(s, st, cmd.ticketId);
    if (t.status !== 'called')
      throw new HallError('HALL_ERR_CONFLICT', `ticket ${t.no} is ${t.status}; only a called ticket is skipped`);
    const policy = policyOf(config).skip;
    const skipCount = t.skipCount + 1;
    const returns = policy.mode === 'return' && skipCount <= policy.maxReturns;
    const at = now.toISOString();
    const ticket: Ticket = returns
      ? {
          ...t,
          status: 'skipped',
          skipCount,
          skippedAt: at,
          returnAtQueueCall: (s.queueCalls[t.queueId] ?? 0) + policy.afterN,
        }
      : { ...t, status: 'dropped', skipCount, skippedAt: at, dropReason: 'no-show' };
    const { current: _c, ...free } = st;
    const base = { at, ticketId: t.id, ticketNo: t.no, windowId: cfg.id, windowNo: cfg.no };
    return {
      state: withWindow(withTicket(s, ticket), free),
      events: returns
        ? [{ ...base, type: 'ticket.skipped', skipCount, then: 'return', returnAfterCalls: policy.afterN }]
        : [
            { ...base, type: 'ticket.skipped', skipCount, then: 'drop' },
            { type: 'ticket.dropped', at, ticketId: t.id, ticketNo: t.no, queueId: t.queueId, reason: 'no-show' },
          ],
    };
  });
}

/**
 * A late comer re-activates a skipped or no-show-dropped ticket within
 * `reactivateWithinMin` of the skip: back in line with its class and original
 * take time. Later → HALL_ERR_CONFLICT; any other status → HALL_ERR_CONFLICT.
 */
export function reactivate(state: HallDayState, cmd: ReactivateCommand, now: Date, config: HallQueueConfig): OpResult {
  return step(state, now, config, (s) => {
    const t = ticketOf(s, cmd.ticketId);
    if (t.status !== 'skipped' && !(t.status === 'dropped' && t.dropReason === 'no-show')) {
      throw new HallError('HALL_ERR_CONFLICT', `ticket ${t.no} is ${t.status}; only a skipped ticket is re-activated`);
    }
    const limit = policyOf(config).reactivateWithinMin;
    if (now.getTime() - Date.parse(t.skippedAt!) > limit * 60_000) {
      throw new HallError('HALL_ERR_CONFLICT', `ticket ${t.no} was skipped more than ${limit} minutes ago`);
    }
    const { returnAtQueueCall: _r, dropReason: _d, ...rest } = t;
    const ticket: Ticket = { ...rest, status: 'waiting', reactivations: t.reactivations + 1 };
    return {
      state: withTicket(s, ticket),
      events: [
        { type: 'ticket.reactivated', at: now.toISOString(), ticketId: t.id, ticketNo: t.no, queueId: t.queueId },
      ],
    };
  });
}
