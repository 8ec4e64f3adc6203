import { z } from 'zod';
import { idSchema } from './ids.ts';
import { indicatorDescriptionSchema, indicatorResultSchema } from './indicators.ts';

/**
 * REST shapes of the indicator catalog (issue 5; docs/indicators.md):
 * `GET /api/indicators` lists it, `GET /api/indicators/values` evaluates it
 * for the halls of a region (or all halls in the caller's scope), and
 * `GET /api/halls/:hallId/indicators` for one hall.
 */
const MAX_PERIOD_DAYS = 366;

/** `ids=a,b,c` (optional): which indicators; all when left out. */
const idsParam = z.string().max(4000).transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x.length > 0)).optional();

export const indicatorPeriodQuerySchema = z.object({
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  ids: idsParam,
}).strict().refine((q) => Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= MAX_PERIOD_DAYS * 86_400_000, { message: `a period of at most ${MAX_PERIOD_DAYS} days`, path: ['from'] });

/** A region code (行政区划代码, 6–12 digits) narrows the halls to that region and the regions below it. */
export const indicatorValuesQuerySchema = z.object({
  region: z.string().regex(/^\d{6,12}$/).optional(),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  ids: idsParam,
}).strict().refine((q) => Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= MAX_PERIOD_DAYS * 86_400_000, { message: `a period of at most ${MAX_PERIOD_DAYS} days`, path: ['from'] });

export const indicatorCatalogResponseSchema = z.object({ indicators: z.array(indicatorDescriptionSchema) });
export const indicatorValuesResponseSchema = z.object({
  scope: z.object({ hallIds: z.array(idSchema), region: z.string().nullable(), from: z.string(), to: z.string() }),
  values: z.array(indicatorResultSchema),
});
export type IndicatorValuesResponse = z.infer<typeof indicatorValuesResponseSchema>;
