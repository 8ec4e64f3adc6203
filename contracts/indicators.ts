import { z } from 'zod';

/**
 * The indicator catalog's public shapes (docs/indicators.md)
 * and the events of the capabilities that have not landed
 * yet — reviews (好差评), appointments (预约) and case conclusion/upload (办件)
 * — which the catalog already consumes. Those event types are DEFINED HERE and
 * will be emitted when their capability lands; until then the indicators are
 * proven on fixture events (analytics/indicators/fixtures.ts).
 */

// ── catalog ──────────────────────────────────────────────────────────────
/** One area per source file in analytics/indicators/. Window indicators belong to the queue. */
export const indicatorAreaSchema = z.enum(['queue', 'devices', 'reviews', 'appointments', 'cases']);
/** percent is 0–100; minutes and calls-per-hour are plain numbers. */
export const indicatorUnitSchema = z.enum(['people', 'windows', 'minutes', 'percent', 'count', 'calls-per-hour']);
export const indicatorLevelSchema = z.enum(['good', 'warn', 'bad']);
/**
 * lower-better: value ≤ good → good, ≤ warn → warn, else bad.
 * higher-better: value ≥ good → good, ≥ warn → warn, else bad.
 */
export const indicatorThresholdsSchema = z
  .object({
    direction: z.enum(['higher-better', 'lower-better']),
    good: z.number(),
    warn: z.number(),
  })
  .strict()
  .refine((t) => (t.direction === 'lower-better' ? t.good <= t.warn : t.good >= t.warn), {
    message: 'warn must lie beyond good in the bad direction',
  });
/** Where the indicator comes from: a seed file (../shared/seeds/) or DOMAIN.md, and the clause in it. */
export const indicatorSourceSchema = z.object({ file: z.string().min(1), clause: z.string().min(1) }).strict();
/** queue.wait.p90, review.rectification.on-time.rate: dotted, each part kebab-case. */
export const indicatorIdSchema = z.string().regex(/^[a-z]+(\.[a-z0-9]+(-[a-z0-9]+)*)+$/);

export const indicatorDescriptionSchema = z
  .object({
    id: indicatorIdSchema,
    area: indicatorAreaSchema,
    nameZh: z.string().min(1),
    nameEn: z.string().min(1),
    definition: z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict(),
    unit: indicatorUnitSchema,
    /** flow: events inside [from, to). state: as of `to`, from the events of the hall day before it. */
    kind: z.enum(['flow', 'state']),
    /** null where a level would mislead (pure volumes, counts summed over halls). */
    thresholds: indicatorThresholdsSchema.nullable(),
    /** The value on an empty event table: null when nothing to divide by, 0 for counts and durations. */
    whenEmpty: z.union([z.null(), z.literal(0)]),
    sources: z.array(indicatorSourceSchema).min(1),
  })
  .strict();

/**
 * Which halls and period. `tz` fixes the hall day for the state indicators
 * ("waiting now" counts tickets of the hall day of `to`); default HALL_TZ's
 * default, the zone every demo hall uses.
 */
export const indicatorScopeSchema = z
  .object({
    hallIds: z.array(z.string().min(1)).min(1).max(5000),
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    tz: z.string().min(1).default('Asia/Shanghai'),
  })
  .strict()
  .refine((s) => Date.parse(s.from) < Date.parse(s.to), { message: 'from must be before to', path: ['to'] });

export const indicatorResultSchema = z
  .object({
    id: indicatorIdSchema,
    value: z.number().nullable(),
    unit: indicatorUnitSchema,
    level: indicatorLevelSchema.optional(),
  })
  .strict();

export type IndicatorArea = z.infer<typeof indicatorAreaSchema>;
export type IndicatorUnit = z.infer<typeof indicatorUnitSchema>;
export type IndicatorLevel = z.infer<typeof indicatorLevelSchema>;
export type IndicatorThresholds = z.infer<typeof indicatorThresholdsSchema>;
export type IndicatorDescription = z.infer<typeof indicatorDescriptionSchema>;
export type IndicatorScope = z.infer<typeof indicatorScopeSchema>;
export type IndicatorScopeInput = z.input<typeof indicatorScopeSchema>;
export type IndicatorResult = z.infer<typeof indicatorResultSchema>;

// ── events defined here, emitted when the capability lands ──────────────
const base = { hallId: z.string(), seq: z.number().int().positive(), at: z.string() };
const ev = <T extends string, D extends z.ZodRawShape>(type: T, data: D) =>
  z.object({ ...base, type: z.literal(type), data: z.object(data).strict() });
const instant = z.iso.datetime();

/** 评价渠道 (001 §1.1.1.7); `system` is the 7-day default review (001 §1.1.1.10). */
export const reviewChannelSchema = z.enum([
  'window-rater',
  'self-service',
  'pc',
  'app',
  'mini-program',
  'qr',
  'sms',
  'hotline',
  'system',
]);

/**
 * 一次一评: one review per case (001 §1.1.1.8). level 5 非常满意 … 1 非常不满意
 * (001 §1.1.1.4); 1–2 are bad reviews and carry a tag. `isDefault`: written by
 * the daily job after 7 natural days (默认评价, 001 §1.1.1.10) — always 基本满意.
 * `active` (主动参评, 004 数据类指标 (2)好差评): the citizen rated on their own
 * at a channel; false for default reviews and for reviews taken by return
 * visit (电话/短信回访).
 */
export const reviewSubmittedEventSchema = ev('review.submitted', {
  reviewId: z.string(),
  caseId: z.string().nullable(),
  windowId: z.string().nullable(),
  level: z.number().int().min(1).max(5),
  tags: z.array(z.string().regex(/^\d{3}$/)),
  channel: reviewChannelSchema,
  isDefault: z.boolean(),
  active: z.boolean(),
})
  .refine((e) => !e.data.isDefault || (e.data.level === 3 && !e.data.active && e.data.channel === 'system'), {
    message: 'a default review is 基本满意 (3), passive, channel system',
  })
  .refine((e) => e.data.level > 2 || e.data.tags.length > 0, { message: 'a bad review needs at least one tag' });

/** A bad review pushed to the responsible department for 差评整改 (001 “好差评”差评整改 (1)), due by `dueAt`. */
export const reviewRectificationOpenedEventSchema = ev('review.rectification-opened', {
  reviewId: z.string(),
  departmentId: z.string(),
  dueAt: instant,
});
/** The department closed the rectification; `at` is when, `dueAt` repeats the deadline it had. */
export const reviewRectifiedEventSchema = ev('review.rectified', { reviewId: z.string(), dueAt: instant });

/** 预约 (001 §1.1.1.14): a booked slot. */
export const appointmentBookedEventSchema = ev('appointment.booked', {
  appointmentId: z.string(),
  itemCode: z.string(),
  slotStart: instant,
  slotEnd: instant,
});
/** 预约取消 within the allowed time, with its reason (001 §1.1.1.14). */
export const appointmentCancelledEventSchema = ev('appointment.cancelled', {
  appointmentId: z.string(),
  reason: z.string(),
});
/** 预约取号: the holder scanned the appointment code at the machine (001 §1.1.1.15 2)). */
export const appointmentCheckedInEventSchema = ev('appointment.checked-in', {
  appointmentId: z.string(),
  ticketId: z.string().nullable(),
});
/** 失约: the check-in time limit (预约取号时限) passed without check-in (001 §1.1.1.17 预约业务管理 (1)). */
export const appointmentMissedEventSchema = ev('appointment.missed', { appointmentId: z.string() });

/**
 * 办结 of a case (000 item 71 限期办理; DOMAIN.md "Case flow"); `at` is the
 * conclusion time. The due times are computed by the case system with the
 * working-day calendar and correction stops (补正), so consumers only compare.
 */
export const caseConcludedEventSchema = ev('case.concluded', {
  caseId: z.string(),
  itemCode: z.string(),
  departmentId: z.string(),
  acceptedAt: instant,
  promisedDueAt: instant,
  legalDueAt: instant,
  result: z.enum(['approved', 'refused', 'terminated']),
});
/** The case's data reached the provincial platform (004 数据类指标 (2)好差评: 超过5个自然日上传). */
export const caseUploadedEventSchema = ev('case.uploaded', {
  caseId: z.string(),
  concludedAt: instant,
  uploadedAt: instant,
});

export const indicatorEventSchemas = [
  reviewSubmittedEventSchema,
  reviewRectificationOpenedEventSchema,
  reviewRectifiedEventSchema,
  appointmentBookedEventSchema,
  appointmentCancelledEventSchema,
  appointmentCheckedInEventSchema,
  appointmentMissedEventSchema,
  caseConcludedEventSchema,
  caseUploadedEventSchema,
] as const;
export const indicatorEventSchema = z.discriminatedUnion('type', [...indicatorEventSchemas]);
export type IndicatorEvent = z.infer<typeof indicatorEventSchema>;
export type ReviewChannel = z.infer<typeof reviewChannelSchema>;
