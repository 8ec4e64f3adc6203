import { HallError, type ErrorCode } from '../../../contracts/index.ts';
import type { ConfigProblem } from '../../domain/queue/index.ts';
import { restProblemCode } from '../../store/hall-config-view-repo.ts';

/**
 * A configuration refusal (docs/admin.md): a coded HallError whose details
 * list the problems, so the admin page can point at the field.
 */
export function refuse(code: ErrorCode, message: string, problems?: ConfigProblem[]): never {
  throw new HallError(restProblemCode(code), message, {
    problems: problems ?? [{ code: restProblemCode(code), path: '', message }],
  });
}

/** A PostgreSQL constraint error → a coded refusal; anything else is rethrown. */
export function translatePg(e: unknown, deleting: boolean): never {
  const pe = e as { code?: string; detail?: string; constraint?: string; message?: string };
  const detail = pe.detail ?? pe.message ?? 'constraint';
  if (pe.code === '23505') refuse('HALL_ERR_CONFLICT', `already exists: ${detail}`);
  if (pe.code === '23503') {
    if (deleting) refuse('HALL_ERR_CONFLICT', `still in use: ${detail}`);
    refuse('HALL_ERR_NOT_FOUND', `refers to nothing: ${detail}`);
  }
  if (pe.code === '23514' || pe.code === '22007' || pe.code === '22008' || pe.code === '23502')
    refuse('HALL_ERR_BAD_REQUEST', `invalid value: ${detail}`);
  throw e;
}
