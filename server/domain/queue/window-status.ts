import { HallError } from '../../../contracts/index.ts';
import type { WindowCommand } from './commands.ts';
import type { HallQueueConfig } from './config.ts';
import type { QueueEvent } from './events.ts';
import { windowOf, withWindow, type HallDayState, type OpResult, type Ticket, type WindowStatus } from './state.ts';
import { step } from './step.ts';

/**
 * Window status (暂停 pause, 001 §1.1.1.16): closed → open (staff sign in),
 * open ⇄ paused, open or paused → closed. Only an open window calls. A paused
 * window still finishes (start, complete, skip, recall, transfer) the ticket
 * it holds; a window holding a ticket cannot close (HALL_ERR_CONFLICT) — finish,
 * skip or transfer it first. Closing returns the tickets transferred to the
 * window to their queue (`ticket.untargeted`), so none waits for a window that
 * will not call. A change to the status it already has is HALL_ERR_CONFLICT.
 * Every window starts the hall day closed.
 */

const ALLOWED: Record<
  WindowCommand['type'],
  {
    from: readonly WindowStatus[];
    to: WindowStatus;
    event: 'window.opened' | 'window.paused' | 'window.resumed' | 'window.closed';
  }
> = {
  'window.open': { from: ['closed', 'paused'], to: 'open', event: 'window.opened' },
  'window.pause': { from: ['open'], to: 'paused', event: 'window.paused' },
  'window.resume': { from: ['paused'], to: 'open', event: 'window.resumed' },
  'window.close': { from: ['open', 'paused'], to: 'closed', event: 'window.closed' },
};

export function changeWindowStatus(
  state: HallDayState,
  cmd: WindowCommand,
  now: Date,
  config: HallQueueConfig,
): OpResult {
  return step(state, now, config, (s) => {
    const rule = ALLOWED[cmd.type];
    if (!rule) throw new HallError('HALL_ERR_BAD_DATA', `unknown window command ${String(cmd.type)}`);
    const { cfg, st } = windowOf(s, cmd.windowId, config);
    if (!rule.from.includes(st.status))
      throw new HallError('HALL_ERR_CONFLICT', `window ${cfg.no} is ${st.status}; cannot ${cmd.type.slice(7)}`);
    if (rule.to === 'closed' && st.current !== undefined)
      throw new HallError('HALL_ERR_CONFLICT', `window ${cfg.no} still holds ticket ${st.current}`);
    const at = now.toISOString();
    let next = withWindow(s, { ...st, status: rule.to });
    const events: QueueEvent[] = [{ type: rule.event, at, windowId: cfg.id, windowNo: cfg.no }];
    if (rule.to === 'closed') {
      const back: Record<string, Ticket> = {};
      for (const t of Object.values(s.tickets)) {
        if (t.status !== 'waiting' || t.targetWindowId !== cfg.id) continue;
        const { targetWindowId: _t, ...rest } = t;
        back[t.id] = rest;
        events.push({
          type: 'ticket.untargeted',
          at,
          ticketId: t.id,
          ticketNo: t.no,
          queueId: t.queueId,
          fromWindowId: cfg.id,
        });
      }
      next = { ...next, tickets: { ...next.tickets, ...back } };
    }
    return { state: next, events };
  });
}
