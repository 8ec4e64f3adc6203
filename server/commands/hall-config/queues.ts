import type { QueueBody } from '../../../contracts/config-admin.ts';
import {
  deleteQueue as deleteQueueRows,
  insertQueue,
  itemsOfQueue,
  queueEverIssued,
  queueWithPrefix,
  unfinishedTickets,
  updateQueue as updateQueueRow,
} from '../../store/queues-repo.ts';
import type { Tx } from '../../store/pool.ts';
import type { Change } from './change-hall-config.ts';
import { mustBelong, newId } from './refs.ts';
import { refuse } from './refuse.ts';

export function createQueue(hallId: string, b: QueueBody): Change & { id: string } {
  const id = b.id ?? newId(hallId, 'q');
  return {
    id,
    target: `queue:${id}`,
    detail: { op: 'queue.create', ...b, id },
    async write(tx) {
      if (b.departmentId) await mustBelong(tx, 'departments', b.departmentId, hallId);
      await prefixFree(tx, hallId, b.prefix, null);
      await insertQueue(tx, hallId, id, b);
    },
  };
}

/** A new prefix applies to tickets taken from now on; tickets already taken keep their numbers. */
export function updateQueue(hallId: string, id: string, b: QueueBody): Change {
  return {
    target: `queue:${id}`,
    detail: { op: 'queue.update', ...b, id },
    async write(tx) {
      await mustBelong(tx, 'queues', id, hallId);
      if (b.departmentId) await mustBelong(tx, 'departments', b.departmentId, hallId);
      await prefixFree(tx, hallId, b.prefix, id);
      await updateQueueRow(tx, hallId, id, b);
    },
  };
}

async function prefixFree(tx: Tx, hallId: string, prefix: string, self: string | null): Promise<void> {
  const other = await queueWithPrefix(tx, hallId, prefix, self);
  if (other) refuse('HALL_ERR_CONFLICT', `prefix ${prefix} is used by queue ${other}`);
}

/**
 * A queue with unfinished tickets today, or with items, is refused (409).
 * One that ever issued tickets cannot be removed either: those tickets keep
 * pointing at it (history); take it off its windows and move its items.
 * Otherwise it leaves every window's all-day set and periods with it.
 */
export function deleteQueue(hallId: string, id: string, today: string): Change {
  return {
    target: `queue:${id}`,
    detail: { op: 'queue.delete', id },
    deleting: true,
    async write(tx) {
      await mustBelong(tx, 'queues', id, hallId);
      const n = await unfinishedTickets(tx, id, today);
      if (n > 0) refuse('HALL_ERR_CONFLICT', `queue ${id} has ${n} unfinished tickets today`);
      const items = await itemsOfQueue(tx, id);
      if (items.length) refuse('HALL_ERR_CONFLICT', `items ${items.join(', ')} go to queue ${id}; move them first`);
      if (await queueEverIssued(tx, id))
        refuse(
          'HALL_ERR_CONFLICT',
          `queue ${id} has issued tickets, which keep pointing at it; take it off its windows instead`,
        );
      await deleteQueueRows(tx, id);
    },
  };
}
