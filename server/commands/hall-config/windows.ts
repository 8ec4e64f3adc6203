import type { WindowBody } from '../../../contracts/config-admin.ts';
import {
  deleteWindow as deleteWindowRows,
  insertWindow,
  replaceWindowQueues,
  ticketsHeldAt,
  updateWindow as updateWindowRow,
  windowCurrentTicket,
  windowHasStaff,
} from '../../store/windows-repo.ts';
import type { Tx } from '../../store/pool.ts';
import type { Change } from './change-hall-config.ts';
import { mustBeDevice, mustBelong, newId } from './refs.ts';
import { refuse } from './refuse.ts';

async function checkWindowRefs(tx: Tx, hallId: string, b: WindowBody): Promise<void> {
  if (b.departmentId) await mustBelong(tx, 'departments', b.departmentId, hallId);
  if (b.raterDeviceId) await mustBeDevice(tx, b.raterDeviceId, hallId, 'rater');
  const seen = new Set<string>();
  for (const q of b.queues) {
    if (seen.has(q.queueId)) refuse('HALL_ERR_CONFLICT', `queue ${q.queueId} is listed twice`);
    seen.add(q.queueId);
    await mustBelong(tx, 'queues', q.queueId, hallId);
  }
}

export function createWindow(hallId: string, b: WindowBody): Change & { id: string } {
  const id = b.id ?? newId(hallId, 'w');
  return {
    id,
    target: `window:${id}`,
    detail: { op: 'window.create', ...b, id },
    async write(tx) {
      await checkWindowRefs(tx, hallId, b);
      await insertWindow(tx, hallId, id, b);
      await replaceWindowQueues(tx, id, b.queues);
    },
  };
}

export function updateWindow(hallId: string, id: string, b: WindowBody): Change {
  return {
    target: `window:${id}`,
    detail: { op: 'window.update', ...b, id },
    async write(tx) {
      await mustBelong(tx, 'windows', id, hallId);
      await checkWindowRefs(tx, hallId, b);
      await updateWindowRow(tx, hallId, id, b);
      await replaceWindowQueues(tx, id, b.queues);
    },
  };
}

/**
 * A window that holds a ticket (called or serving), has tickets transferred
 * to it waiting, or has staff signed in is refused (409): close it first.
 */
export function deleteWindow(hallId: string, id: string, today: string): Change {
  return {
    target: `window:${id}`,
    detail: { op: 'window.delete', id },
    deleting: true,
    async write(tx) {
      await mustBelong(tx, 'windows', id, hallId);
      const current = await windowCurrentTicket(tx, hallId, id);
      const held = await ticketsHeldAt(tx, hallId, id, today);
      if (current || held.length) {
        refuse(
          'HALL_ERR_CONFLICT',
          `window ${id} holds tickets (${held.map((r) => `${r.ticket_no} ${r.status}`).join(', ') || 'current ticket'}); finish or transfer them first`,
        );
      }
      if (await windowHasStaff(tx, id))
        refuse('HALL_ERR_CONFLICT', `staff is signed in at window ${id}; sign out first`);
      // The engine's per-window state (status, served today) goes with it.
      await deleteWindowRows(tx, hallId, id);
    },
  };
}
