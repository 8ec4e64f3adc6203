import type { TicketClass } from './config.ts';
import type { Outcome } from './state.ts';

/**
 * What the engine says happened, as plain objects. The adapter adds
 * `(hallId, seq)`, writes each to the outbox in the operation's transaction
 * and sends `display` to the LED / voice (LED屏, 语音播报, 001 §1.1.1.16).
 * `at` is the operation's injected time (ISO).
 */
export interface Display {
  readonly text: string;
  readonly voice: string;
}

/** "请A001号到5号窗口办理" (DOMAIN.md "Queue and calling"). */
export function callDisplay(ticketNo: string, windowNo: string): Display {
  const text = `请${ticketNo}号到${windowNo}号窗口办理`;
  return { text, voice: text };
}

interface Base {
  readonly at: string;
}
interface TicketRef {
  readonly ticketId: string;
  readonly ticketNo: string;
}
interface WindowRef {
  readonly windowId: string;
  readonly windowNo: string;
}

export interface Estimate {
  readonly lowMin: number;
  readonly highMin: number;
}

export type QueueEvent =
  | (Base &
      TicketRef & {
        readonly type: 'ticket.issued';
        readonly queueId: string;
        readonly itemCode: string;
        readonly class: TicketClass;
        readonly issuedToday: number;
        readonly waiting: number;
        readonly waitingAhead: number;
        readonly estimate: Estimate | null;
      })
  | (Base &
      TicketRef &
      WindowRef & {
        readonly type: 'ticket.called';
        readonly queueId: string;
        readonly class: TicketClass;
        readonly waitedMin: number;
        /** Which call of the ticket this is (1 = first; recalls not counted): the wait indicators take the first (analytics/indicators/queue.ts). */
        readonly call: number;
        /** Call of a chosen ticket that is not the one call-next would pick; `reason` is then required. */
        readonly outOfOrder: boolean;
        readonly reason?: string;
        readonly display: Display;
      })
  | (Base &
      TicketRef &
      WindowRef & { readonly type: 'ticket.recalled'; readonly recalls: number; readonly display: Display })
  | (Base &
      TicketRef &
      WindowRef & {
        readonly type: 'ticket.skipped';
        readonly skipCount: number;
        readonly then: 'return' | 'drop';
        readonly returnAfterCalls?: number;
      })
  | (Base & TicketRef & { readonly type: 'ticket.returned'; readonly queueId: string })
  | (Base & TicketRef & { readonly type: 'ticket.reactivated'; readonly queueId: string })
  | (Base &
      TicketRef & { readonly type: 'ticket.dropped'; readonly queueId: string; readonly reason: 'no-show' | 'day-end' })
  | (Base &
      TicketRef &
      WindowRef & {
        readonly type: 'ticket.transferred';
        readonly fromQueueId: string;
        readonly toQueueId: string;
        readonly toWindowId?: string;
        readonly class: TicketClass;
      })
  /** A window closed while tickets were transferred to it: they go back to their queue. */
  | (Base & TicketRef & { readonly type: 'ticket.untargeted'; readonly queueId: string; readonly fromWindowId: string })
  | (Base & TicketRef & WindowRef & { readonly type: 'service.started' })
  | (Base &
      TicketRef &
      WindowRef & {
        readonly type: 'ticket.completed';
        readonly queueId: string;
        readonly outcome: Outcome;
        readonly serviceMin: number;
        /** The ticket's item: handling minutes per item (service efficiency, analytics/model-inputs.ts) without pairing with case.opened. */
        readonly itemCode: string;
      })
  /** Completion opens the case (办件, DOMAIN.md "Case flow"); the adapter gives it its id. */
  | (Base &
      TicketRef &
      WindowRef & {
        readonly type: 'case.opened';
        readonly queueId: string;
        readonly itemCode: string;
        readonly departmentId: string;
        readonly outcome: Outcome;
        readonly takenAt: string;
        readonly calledAt: string;
        readonly startedAt: string;
        readonly endedAt: string;
      })
  /** One case, one review (一次一评): the window's rating terminal asks for it. */
  | (Base & TicketRef & WindowRef & { readonly type: 'rating.prompt'; readonly raterDeviceId: string | null })
  | (Base & WindowRef & { readonly type: 'window.opened' | 'window.paused' | 'window.resumed' | 'window.closed' })
  | (Base & {
      readonly type: 'day.rolled';
      readonly fromDay: string;
      readonly toDay: string;
      readonly dropped: number;
    });

export type QueueEventType = QueueEvent['type'];
