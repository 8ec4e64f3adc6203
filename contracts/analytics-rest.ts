import { z } from 'zod';
import { idSchema, regionCodeSchema } from './ids.ts';

/**
 * REST shapes of the leadership screens' series, rankings, region roll-up
 * and map (docs/leadership.md; server/http/routes/analytics-routes.ts).
 * A scope is a region (and the regions below it), one hall, or — neither
 * given — every hall the caller may see.
 */
const MAX_PERIOD_DAYS = 366;
// A region code (ids.ts): that region and the regions below it.
const regionCode = regionCodeSchema;

const period = {
  region: regionCode.optional(),
  hall: idSchema.optional(),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
};
/** The period rules every indicator and screen query shares: from before to, at most 366 days, region or hall. */
export const periodChecks = <
  T extends z.ZodType<{ region?: string | undefined; hall?: string | undefined; from: string; to: string }>,
>(
  s: T,
) =>
  s
    .refine((q) => !(q.region && q.hall), { message: 'region or hall, not both', path: ['hall'] })
    .refine((q) => Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['to'] })
    .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= MAX_PERIOD_DAYS * 86_400_000, {
      message: `a period of at most ${MAX_PERIOD_DAYS} days`,
      path: ['from'],
    });

/** Minutes: a period of at most a day, inside the days the per-minute table keeps (analytics/clickhouse.ts MINUTE_DAYS). */
export const trendQuerySchema = periodChecks(
  z.object({ ...period, bucket: z.enum(['day', 'hour', 'minute']).default('day') }).strict(),
).refine((q) => q.bucket !== 'minute' || Date.parse(q.to) - Date.parse(q.from) <= 86_400_000, {
  message: 'minutes for a period of at most a day',
  path: ['bucket'],
});
export const rankingQuerySchema = periodChecks(
  z
    .object({
      ...period,
      by: z.enum(['hall', 'window', 'item', 'department', 'staff']).default('hall'),
      limit: z.coerce.number().int().min(1).max(500).default(50),
    })
    .strict(),
);
export const regionsQuerySchema = periodChecks(z.object(period).strict());
export const mapQuerySchema = z.object({ region: regionCode.optional() }).strict();

export const sumsSchema = z.object({
  taken: z.number(),
  called: z.number(),
  served: z.number(),
  cases: z.number(),
  skipped: z.number(),
  avgWaitMin: z.number().nullable(),
  avgServiceMin: z.number().nullable(),
});
export const trendResponseSchema = z.object({
  bucket: z.enum(['day', 'hour', 'minute']),
  points: z.array(sumsSchema.extend({ t: z.string() })),
});
export const rankingResponseSchema = z.object({
  by: z.enum(['hall', 'window', 'item', 'department', 'staff']),
  rows: z.array(sumsSchema.extend({ key: z.string(), name: z.string(), hallId: z.string() })),
});
export const regionNodeSchema = z.object({ code: z.string(), name: z.string(), level: z.string() });
export const regionsResponseSchema = z.object({
  region: regionNodeSchema.nullable(),
  /** The scope's halls in all, then one entry per child region with halls in scope, and the halls placed at the region itself. */
  total: sumsSchema,
  children: z.array(
    sumsSchema.extend({
      kind: z.enum(['region', 'hall']),
      id: z.string(),
      name: z.string(),
      level: z.string(),
      hallIds: z.array(z.string()),
    }),
  ),
});
export type TrendResponse = z.infer<typeof trendResponseSchema>;
export type RankingResponse = z.infer<typeof rankingResponseSchema>;
export type RegionsResponse = z.infer<typeof regionsResponseSchema>;

/** Next-hour pressure forecast and staffing advice per hall (server/domain/models; docs/models.md). */
export const forecastQuerySchema = z
  .object({
    region: regionCode.optional(),
    hall: idSchema.optional(),
    targetP90Min: z.coerce.number().min(0).max(240).default(30),
  })
  .strict()
  .refine((q) => !(q.region && q.hall), { message: 'region or hall, not both', path: ['hall'] });
export const pressureLevelSchema = z.enum(['clear', 'normal', 'busy', 'crowded', 'saturated']);
export const hallForecastSchema = z.object({
  hallId: z.string(),
  name: z.string(),
  hourStart: z.string(),
  waitingNow: z.number(),
  openWindows: z.number(),
  windows: z.number(),
  serviceMin: z.number(),
  serviceFrom: z.enum(['history', 'default']),
  history: z.array(z.number().nullable()),
  forecast: z.object({
    weeksUsed: z.number(),
    expectedWalkIns: z.number(),
    expectedAppointments: z.number(),
    expectedArrivals: z.number(),
    loadMin: z.number(),
    clearMin: z.number().nullable(),
    level: pressureLevelSchema,
    labelZh: z.string(),
  }),
  staffing: z.object({
    windows: z.number(),
    p90WaitMin: z.number().nullable(),
    meetsTarget: z.boolean(),
    utilisation: z.number().nullable(),
  }),
});
export const forecastResponseSchema = z.object({
  hourStart: z.string(),
  targetP90Min: z.number(),
  halls: z.array(hallForecastSchema),
});
export type ForecastResponse = z.infer<typeof forecastResponseSchema>;

/**
 * `GET /api/analytics/map`: the GeoJSON of a region's children (the
 * deployment's file or the demo's synthetic tiles) and the children's names.
 * Features are kept as sent (loose objects): the map draws whatever geometry
 * and properties the deployment's file has.
 */
export const mapFeatureSchema = z
  .object({
    type: z.literal('Feature'),
    properties: z.object({ code: z.unknown().optional(), name: z.unknown().optional() }).passthrough().nullable(),
    geometry: z.unknown(),
  })
  .passthrough();
export const mapResponseSchema = z.object({
  source: z.enum(['synthetic', 'deployment']),
  geojson: z.object({ type: z.literal('FeatureCollection'), features: z.array(mapFeatureSchema) }).passthrough(),
  areas: z.array(z.object({ code: z.string(), name: z.string() })),
});
export type MapFeature = z.infer<typeof mapFeatureSchema>;
export type MapResponse = z.infer<typeof mapResponseSchema>;
