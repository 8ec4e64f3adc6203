import type { DepartmentBody } from '../../../contracts/config-admin.ts';
import {
  deleteDepartment as deleteDepartmentRow,
  departmentUse,
  insertDepartment,
  renameDepartment,
} from '../../store/departments-repo.ts';
import type { Change } from './change-hall-config.ts';
import { mustBelong, newId } from './refs.ts';
import { refuse } from './refuse.ts';

export function createDepartment(hallId: string, b: DepartmentBody): Change & { id: string } {
  const id = b.id ?? newId(hallId, 'd');
  return {
    id,
    target: `department:${id}`,
    detail: { op: 'department.create', id, name: b.name },
    async write(tx) {
      await insertDepartment(tx, hallId, id, b.name);
    },
  };
}

export function updateDepartment(hallId: string, id: string, b: DepartmentBody): Change {
  return {
    target: `department:${id}`,
    detail: { op: 'department.update', id, name: b.name },
    async write(tx) {
      if (!(await renameDepartment(tx, hallId, id, b.name)))
        refuse('HALL_ERR_NOT_FOUND', `no department ${id} in hall ${hallId}`);
    },
  };
}

export function deleteDepartment(hallId: string, id: string): Change {
  return {
    target: `department:${id}`,
    detail: { op: 'department.delete', id },
    deleting: true,
    async write(tx) {
      await mustBelong(tx, 'departments', id, hallId);
      const use = await departmentUse(tx, id);
      const inUse = Object.entries(use)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${n} ${k}`);
      if (inUse.length)
        refuse('HALL_ERR_CONFLICT', `department ${id} is in use by ${inUse.join(', ')}; move them first`);
      await deleteDepartmentRow(tx, hallId, id);
    },
  };
}
