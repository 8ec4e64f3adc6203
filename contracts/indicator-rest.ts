import { z } from 'zod';
import { idSchema } from './ids.ts';
import { indicatorDescriptionSchema, indicatorResultSchema } from './indicators.ts';
import { periodChecks } from './analytics-rest.ts';
import { regionCodeSchema } from './ids.ts';

/**
 * REST shapes of the indicator catalog (docs/indicators.md):
 * `GET /api/indicators` lists it, `GET /api/indicators/values` evaluates it
 * for the halls of a region (or all halls in the caller's scope), and
 * `GET /api/halls/:hallId/indicators` for one hall.
 */
/** `ids=a,b,c` (optional): which indicators; all when left out. */
const idsParam = z
  .string()
  .max(4000)
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x.length > 0),
  )
  .optional();

export const indicatorPeriodQuerySchema = periodChecks(
  z.object({ from: z.iso.datetime(), to: z.iso.datetime(), ids: idsParam }).strict(),
);

/** A region code narrows the halls to that region and the regions below it. */
export const indicatorValuesQuerySchema = periodChecks(
  z
    .object({
      region: regionCodeSchema.optional(),
      from: z.iso.datetime(),
      to: z.iso.datetime(),
      ids: idsParam,
    })
    .strict(),
);

export const indicatorCatalogResponseSchema = z.object({ indicators: z.array(indicatorDescriptionSchema) });
export const indicatorValuesResponseSchema = z.object({
  scope: z.object({ hallIds: z.array(idSchema), region: z.string().nullable(), from: z.string(), to: z.string() }),
  values: z.array(indicatorResultSchema),
});
export type IndicatorValuesResponse = z.infer<typeof indicatorValuesResponseSchema>;
