import type { ItemBody } from '../../../contracts/config-admin.ts';
import { deleteItem as deleteItemRow, insertItem, updateItem as updateItemRow } from '../../store/items-repo.ts';
import type { Tx } from '../../store/pool.ts';
import type { Change } from './change-hall-config.ts';
import { mustBelong } from './refs.ts';
import { refuse } from './refuse.ts';

async function checkItemRefs(tx: Tx, hallId: string, b: ItemBody): Promise<void> {
  await mustBelong(tx, 'departments', b.departmentId, hallId);
  await mustBelong(tx, 'queues', b.queueId, hallId);
}

export function createItem(hallId: string, code: string, b: ItemBody): Change {
  return {
    target: `item:${code}`,
    detail: { op: 'item.create', code, ...b },
    async write(tx) {
      await checkItemRefs(tx, hallId, b);
      await insertItem(tx, hallId, code, b);
    },
  };
}

/** Moving an item to another queue: tickets already taken stay in their queue; new ones go to the new queue. */
export function updateItem(hallId: string, code: string, b: ItemBody): Change {
  return {
    target: `item:${code}`,
    detail: { op: 'item.update', code, ...b },
    async write(tx) {
      await checkItemRefs(tx, hallId, b);
      if (!(await updateItemRow(tx, hallId, code, b)))
        refuse('HALL_ERR_NOT_FOUND', `no item ${code} in hall ${hallId}`);
    },
  };
}

export function deleteItem(hallId: string, code: string): Change {
  return {
    target: `item:${code}`,
    detail: { op: 'item.delete', code },
    deleting: true,
    async write(tx) {
      if (!(await deleteItemRow(tx, hallId, code))) refuse('HALL_ERR_NOT_FOUND', `no item ${code} in hall ${hallId}`);
    },
  };
}
