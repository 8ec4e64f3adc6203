import type { HallQueueConfig } from './config.ts';
import { releaseDueReturns } from './pick-next.ts';
import { rollDay, type HallDayState, type OpResult } from './state.ts';

/**
 * Frame of every operation: start a new hall day if `now` is on one (numbers
 * restart, 001 §1.1.1.16), run the operation, then put back in line the
 * skipped tickets whose return is due (pick-next.ts). Because the return
 * rule depends on the state only, every state an operation returns is
 * settled: no skipped ticket in it is due.
 */
export function step(
  state: HallDayState,
  now: Date,
  config: HallQueueConfig,
  op: (s: HallDayState) => OpResult,
): OpResult {
  const day = rollDay(state, now, config);
  const r = op(day.state);
  const back = releaseDueReturns(r.state, now);
  return { state: back.state, events: [...day.events, ...r.events, ...back.events] };
}
