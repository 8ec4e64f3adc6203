import { HallError } from '../../../contracts/index.ts';
import { callNext, callTicket, reactivate, recall, skip } from './calling.ts';
import type { Command } from './commands.ts';
import type { HallQueueConfig } from './config.ts';
import { completeService, startService, transfer } from './service.ts';
import type { HallDayState, OpResult } from './state.ts';
import { takeTicket } from './take.ts';
import { changeWindowStatus } from './window-status.ts';

/**
 * One entry point for the adapter: `(state, command, now, config) → { state, events }`
 * or a HallError, in which case the state is unchanged (operations never
 * mutate). Every operation first starts a new hall day if `now` is on one and
 * ends by returning due skipped tickets to the line (step.ts).
 */
export function applyCommand(state: HallDayState, cmd: Command, now: Date, config: HallQueueConfig): OpResult {
  switch (cmd.type) {
    case 'take':
      return takeTicket(state, cmd, now, config);
    case 'call-next':
      return callNext(state, cmd, now, config);
    case 'call-ticket':
      return callTicket(state, cmd, now, config);
    case 'recall':
      return recall(state, cmd, now, config);
    case 'skip':
      return skip(state, cmd, now, config);
    case 'reactivate':
      return reactivate(state, cmd, now, config);
    case 'transfer':
      return transfer(state, cmd, now, config);
    case 'start':
      return startService(state, cmd, now, config);
    case 'complete':
      return completeService(state, cmd, now, config);
    case 'window.open':
    case 'window.pause':
    case 'window.resume':
    case 'window.close':
      return changeWindowStatus(state, cmd, now, config);
    default:
      throw new HallError('HALL_ERR_BAD_DATA', `unknown queue command ${String((cmd as { type?: unknown }).type)}`);
  }
}
