import { z } from 'zod';
import { periodChecks } from './analytics-rest.ts';
import { idSchema, regionCodeSchema } from './ids.ts';

/**
 * REST shapes of the models on the leadership screens (docs/models.md;
 * seed 001_8e9aa79f8e53624f.txt “好差评”评价结果应用模型: 服务效能、涉企服务效能、
 * 办件趋势、好差评评分量化、跑多次; server/http/routes/model-routes.ts;
 * docs/analytics.md). The scope is a region (and the regions below it), one
 * hall, or — neither given — every hall the caller may see.
 */
const scope = { region: regionCodeSchema.optional(), hall: idSchema.optional() };
const period = { ...scope, from: z.iso.datetime(), to: z.iso.datetime() };
const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
const limit = z.coerce.number().int().min(1).max(500).default(50);

// ── service efficiency (服务效能, 涉企服务效能) ─────────────────────────────
export const efficiencyQuerySchema = periodChecks(
  z
    .object({
      ...period,
      by: z.enum(['window', 'staff']).default('window'),
      enterprise: bool.default(false),
      limit,
    })
    .strict(),
);
export const efficiencyRowSchema = z.object({
  key: z.string(),
  name: z.string(),
  hallId: z.string(),
  cases: z.number(),
  serviceMin: z.number(),
  standardMin: z.number(),
  openMin: z.number(),
  /** Null without open minutes (a window served with no open span in the period). */
  casesPerHour: z.number().nullable(),
  throughput: z.number().nullable(),
  idleShare: z.number().nullable(),
  /** Handling minutes / standard minutes: above 1 slower than the standard. */
  handlingVsStandard: z.number().nullable(),
  /** Cases whose item has no configured standard time: the item's average handling time of the period stood in. */
  fallbackStandardCases: z.number(),
});
export const efficiencyResponseSchema = z.object({
  by: z.enum(['window', 'staff']),
  enterprise: z.boolean(),
  /** Highest throughput first (null last). */
  rows: z.array(efficiencyRowSchema),
});
export type EfficiencyResponse = z.infer<typeof efficiencyResponseSchema>;

// ── case trend (办件趋势) ────────────────────────────────────────────────
export const caseTrendQuerySchema = z
  .object({
    ...scope,
    measure: z.enum(['cases', 'taken']).default('cases'),
    /** Whole hall days of history before today (today is still running). */
    days: z.coerce.number().int().min(14).max(366).default(56),
    horizon: z.coerce.number().int().min(1).max(28).default(7),
    seasons: z.coerce.number().int().min(1).max(8).default(4),
  })
  .strict()
  .refine((q) => !(q.region && q.hall), { message: 'region or hall, not both', path: ['hall'] });
export const caseTrendResponseSchema = z.object({
  measure: z.enum(['cases', 'taken']),
  season: z.number(),
  seasons: z.number(),
  series: z.array(z.object({ day: z.string(), value: z.number() })),
  /** The next days; the band is ± the holdout's MAE, floored at 0. */
  forecast: z.array(z.object({ day: z.string(), value: z.number(), low: z.number(), high: z.number() })),
  /** The last season hidden, forecast from the rest, against what happened. */
  holdout: z.object({
    days: z.array(z.string()),
    actual: z.array(z.number()),
    forecast: z.array(z.number()),
    n: z.number(),
    mae: z.number().nullable(),
    mape: z.number().nullable(),
  }),
});
export type CaseTrendResponse = z.infer<typeof caseTrendResponseSchema>;

// ── review score (好差评评分量化) ─────────────────────────────────────────
export const reviewDimensionSchema = z.enum(['window', 'staff', 'department', 'hall', 'region']);
export const reviewScoresQuerySchema = periodChecks(
  z
    .object({
      ...period,
      by: reviewDimensionSchema.default('window'),
      includeDefault: bool.default(true),
      limit,
    })
    .strict(),
);
export const reviewScoresResponseSchema = z.object({
  by: reviewDimensionSchema,
  includeDefault: z.boolean(),
  /** Reviews in the period and scope (before grouping: a review with no window has no window row). */
  reviews: z.number(),
  /** The smoothing: `weight` pseudo-ratings at `prior` (the pooled raw score of the rows; 75 with none). */
  prior: z.number(),
  weight: z.number(),
  rows: z.array(
    z.object({
      key: z.string(),
      name: z.string(),
      rank: z.number(),
      n: z.number(),
      score: z.number(),
      rawScore: z.number().nullable(),
      badShare: z.number().nullable(),
    }),
  ),
  /** Why the list is empty when it is (reviews have not landed yet), else null. */
  note: z.string().nullable(),
});
export type ReviewScoresResponse = z.infer<typeof reviewScoresResponseSchema>;

// ── multiple visits (跑多次) ─────────────────────────────────────────────
export const multipleVisitsQuerySchema = periodChecks(
  z
    .object({
      ...period,
      withinDays: z.coerce.number().int().min(1).max(366).default(30),
      limit,
    })
    .strict(),
);
export const multipleVisitsResponseSchema = z.object({
  withinDays: z.number(),
  /** Tickets of the period that carry an applicant key, as distinct (applicant, item, day) trips. */
  trips: z.number(),
  matters: z.number(),
  multiVisitMatters: z.number(),
  rate: z.number().nullable(),
  /** Matters by trips: 2, 3, 4 and more. */
  byTrips: z.object({ two: z.number(), three: z.number(), fourPlus: z.number() }),
  /** Items with the most multi-visit matters first. No applicant keys leave the server. */
  items: z.array(
    z.object({
      itemCode: z.string(),
      name: z.string(),
      matters: z.number(),
      multiVisitMatters: z.number(),
      rate: z.number().nullable(),
      maxTrips: z.number(),
    }),
  ),
  /** Keys of another shape than the keyed look-up hash (never counted). */
  skippedKeys: z.number(),
});
export type MultipleVisitsResponse = z.infer<typeof multipleVisitsResponseSchema>;
