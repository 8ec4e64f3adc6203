import { z } from 'zod';
import { idSchema } from './ids.ts';

/**
 * REST shapes of the leadership screens' series, rankings, region roll-up
 * and map (issue 5 "Leadership screens"; server/http/routes/analytics-routes.ts).
 * A scope is a region (and the regions below it), one hall, or — neither
 * given — every hall the caller may see.
 */
const MAX_PERIOD_DAYS = 366;
const regionCode = z.string().regex(/^\d{6,12}$/);

const period = {
  region: regionCode.optional(),
  hall: idSchema.optional(),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
};
const checks = <T extends z.ZodType<{ region?: string | undefined; hall?: string | undefined; from: string; to: string }>>(s: T) => s
  .refine((q) => !(q.region && q.hall), { message: 'region or hall, not both', path: ['hall'] })
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= MAX_PERIOD_DAYS * 86_400_000, { message: `a period of at most ${MAX_PERIOD_DAYS} days`, path: ['from'] });

export const trendQuerySchema = checks(z.object({ ...period, bucket: z.enum(['day', 'hour']).default('day') }).strict());
export const rankingQuerySchema = checks(z.object({
  ...period, by: z.enum(['hall', 'window', 'item', 'department']).default('hall'), limit: z.coerce.number().int().min(1).max(500).default(50),
}).strict());
export const regionsQuerySchema = checks(z.object(period).strict());
export const mapQuerySchema = z.object({ region: regionCode.optional() }).strict();

export const sumsSchema = z.object({
  taken: z.number(), called: z.number(), served: z.number(), cases: z.number(), skipped: z.number(),
  avgWaitMin: z.number().nullable(), avgServiceMin: z.number().nullable(),
});
export const trendResponseSchema = z.object({ bucket: z.enum(['day', 'hour']), points: z.array(sumsSchema.extend({ t: z.string() })) });
export const rankingResponseSchema = z.object({
  by: z.enum(['hall', 'window', 'item', 'department']),
  rows: z.array(sumsSchema.extend({ key: z.string(), name: z.string(), hallId: z.string() })),
});
export const regionNodeSchema = z.object({ code: z.string(), name: z.string(), level: z.string() });
export const regionsResponseSchema = z.object({
  region: regionNodeSchema.nullable(),
  /** The scope's halls in all, then one entry per child region with halls in scope, and the halls placed at the region itself. */
  total: sumsSchema,
  children: z.array(sumsSchema.extend({ kind: z.enum(['region', 'hall']), id: z.string(), name: z.string(), level: z.string(), hallIds: z.array(z.string()) })),
});
export type TrendResponse = z.infer<typeof trendResponseSchema>;
export type RankingResponse = z.infer<typeof rankingResponseSchema>;
export type RegionsResponse = z.infer<typeof regionsResponseSchema>;
