import type { z } from 'zod';
import { HallError } from '../../contracts/index.ts';

/** zod at the REST boundary: a bad body or query is a coded 400 listing what is wrong. */
export function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new HallError(
      'HALL_ERR_BAD_REQUEST',
      'request body or query is invalid',
      r.error.issues.slice(0, 10).map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  return r.data;
}
