import {
  consoleResponseSchema,
  hallWindowsResponseSchema,
  publicTicketResponseSchema,
  windowSignInResponseSchema,
  windowSignOutResponseSchema,
  type ConsoleResponse,
  type HallWindowsResponse,
  type PublicTicketResponse,
  type WindowSignInResponse,
  type WindowSignOutResponse,
} from '@contracts/console.ts';
import { command, path, request } from './client.ts';

/** The window console (docs/console.md) and the citizen's ticket page. */

export type WindowOpBody =
  | { op: 'next' | 'recall' | 'skip' | 'start' | 'open' | 'pause' | 'resume' | 'close' }
  | { op: 'complete'; outcome: 'done' | 'refused' | 'incomplete' }
  | { op: 'transfer'; toQueueId?: string; toWindowId?: string }
  | { op: 'reactivate' | 'pick'; ticketNo: string; reason?: string };

export function hallWindows(hallId: string): Promise<HallWindowsResponse> {
  return request(hallWindowsResponseSchema, path('halls', hallId, 'windows'));
}

export function signInAtWindow(hallId: string, windowId: string, takeOver: boolean): Promise<WindowSignInResponse> {
  return request(windowSignInResponseSchema, path('halls', hallId, 'windows', windowId, 'signin'), {
    method: 'POST',
    body: takeOver ? { takeOver: true } : {},
  });
}

export function signOutOfWindow(hallId: string, windowId: string): Promise<WindowSignOutResponse> {
  return request(windowSignOutResponseSchema, path('halls', hallId, 'windows', windowId, 'signout'), {
    method: 'POST',
    body: {},
  });
}

export function windowConsole(hallId: string, windowId: string): Promise<ConsoleResponse> {
  return request(consoleResponseSchema, path('halls', hallId, 'windows', windowId, 'console'));
}

/** One operation at the window; the console reads its screen afresh afterwards, so the answer is not read. */
export function windowOp(hallId: string, windowId: string, body: WindowOpBody): Promise<void> {
  return command(path('halls', hallId, 'windows', windowId, 'ops'), { method: 'POST', body });
}

/** The citizen's ticket (no sign-in). */
export function publicTicket(ticketId: string): Promise<PublicTicketResponse> {
  return request(publicTicketResponseSchema, path('public', 'tickets', ticketId));
}
