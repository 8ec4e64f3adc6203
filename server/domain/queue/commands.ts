import type { Outcome } from './state.ts';

/**
 * Commands to the queue engine, as plain data (001 §1.1.1.16). The
 * adapter builds them from caller / ticket machine messages
 * (contracts/devices.ts: call.next, call.pick, call.recall, call.skip,
 * call.transfer, call.pause, call.resume, call.start, call.complete) after
 * resolving a ticket number to its id (state.ts findTicketByNo). Where a
 * command names the window's current ticket, `ticketId` is optional: given,
 * it must be the current one, so a stale press is refused (HALL_ERR_CONFLICT)
 * instead of acting on the next citizen.
 */
export interface TakeCommand {
  readonly type: 'take';
  /** Chosen by the adapter (uuid): the domain makes no randomness. */
  readonly ticketId: string;
  readonly itemCode: string;
  /** 'transferred-back' is only reached by a transfer. Default walk-in. */
  readonly class?: 'walk-in' | 'appointment' | 'green';
  readonly appointmentCode?: string;
}
export interface CallNextCommand {
  readonly type: 'call-next';
  readonly windowId: string;
}
export interface CallTicketCommand {
  readonly type: 'call-ticket';
  readonly windowId: string;
  readonly ticketId: string;
  readonly reason?: string;
}
export interface RecallCommand {
  readonly type: 'recall';
  readonly windowId: string;
  readonly ticketId?: string;
}
export interface SkipCommand {
  readonly type: 'skip';
  readonly windowId: string;
  readonly ticketId?: string;
}
export interface ReactivateCommand {
  readonly type: 'reactivate';
  readonly ticketId: string;
}
export interface TransferCommand {
  readonly type: 'transfer';
  readonly windowId: string;
  readonly ticketId?: string;
  /** At least one of the two; both: to that queue, callable only by that window. */
  readonly toQueueId?: string;
  readonly toWindowId?: string;
}
export interface StartCommand {
  readonly type: 'start';
  readonly windowId: string;
  readonly ticketId?: string;
}
export interface CompleteCommand {
  readonly type: 'complete';
  readonly windowId: string;
  readonly ticketId?: string;
  readonly outcome: Outcome;
}
export interface WindowCommand {
  readonly type: 'window.open' | 'window.pause' | 'window.resume' | 'window.close';
  readonly windowId: string;
}

export type Command =
  | TakeCommand
  | CallNextCommand
  | CallTicketCommand
  | RecallCommand
  | SkipCommand
  | ReactivateCommand
  | TransferCommand
  | StartCommand
  | CompleteCommand
  | WindowCommand;
