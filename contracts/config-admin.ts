import { z } from 'zod';
import { idSchema, itemCodeSchema, deviceKindSchema } from './ids.ts';

/**
 * The queue configuration admin (001 §1.1.1.17 队列配置 /
 * 窗口配置, device item sets 001 §1.1.1.17 取号终端配置): REST
 * bodies and the configuration view of `GET /api/halls/:hallId/config`.
 * docs/admin.md lists the endpoints and when a change takes effect.
 */

/** Hall local time of day, 'HH:MM'; '24:00' is the end of the day (the same rule as the engine's config). */
export const timeOfDaySchema = z
  .string()
  .regex(/^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/, 'time of day: HH:MM from 00:00 to 24:00');
/** Ticket prefix: 1–4 upper-case letters, so `prefix + digits` reads back unambiguously (A001). */
export const ticketPrefixSchema = z.string().regex(/^[A-Z]{1,4}$/, 'prefix: 1–4 upper-case letters');
const nameSchema = z.string().trim().min(1).max(100);

export const configParamsSchema = z.object({ hallId: idSchema }).strict();
export const departmentParamsSchema = z.object({ hallId: idSchema, departmentId: idSchema }).strict();
export const itemParamsSchema = z.object({ hallId: idSchema, code: itemCodeSchema }).strict();
export const queueParamsSchema = z.object({ hallId: idSchema, queueId: idSchema }).strict();
export const windowParamsSchema = z.object({ hallId: idSchema, windowId: idSchema }).strict();
export const deviceConfigParamsSchema = z.object({ hallId: idSchema, deviceId: idSchema }).strict();

export const skipPolicySchema = z.discriminatedUnion('mode', [
  z
    .object({
      mode: z.literal('return'),
      afterN: z.number().int().min(0).max(100),
      maxReturns: z.number().int().min(0).max(10),
    })
    .strict(),
  z.object({ mode: z.literal('drop') }).strict(),
]);

/** The calling policy an administrator may set (the rest keeps the engine's defaults). */
export const policyPatchSchema = z
  .object({
    starvationMin: z.number().positive().max(1440).optional(),
    skip: skipPolicySchema.optional(),
    reactivateWithinMin: z.number().min(0).max(1440).optional(),
    transferAs: z.enum(['transferred-back', 'keep']).optional(),
  })
  .strict();

/** `PATCH /api/halls/:hallId`: name, address, calling policy (merged into the hall's overrides). */
export const hallPatchBodySchema = z
  .object({
    name: nameSchema.optional(),
    address: z.string().trim().max(200).nullable().optional(),
    policy: policyPatchSchema.optional(),
  })
  .strict()
  .refine((b) => b.name !== undefined || b.address !== undefined || b.policy !== undefined, {
    message: 'nothing to change',
  });
export type HallPatchBody = z.infer<typeof hallPatchBodySchema>;

/** `POST /departments` (id optional: generated) and `PUT /departments/:departmentId` (id from the path). */
export const departmentBodySchema = z.object({ id: idSchema.optional(), name: nameSchema }).strict();
export type DepartmentBody = z.infer<typeof departmentBodySchema>;

/** Service item (事项): belongs to one department and goes to one queue. `PUT /items/:code` takes the code from the path. */
const itemShape = {
  name: nameSchema,
  departmentId: idSchema,
  queueId: idSchema,
  promisedDays: z.number().int().min(0).max(3650).nullable().optional(),
  /**
   * 事项标准办理时长 in minutes (migration 014; the service-efficiency model, docs/models.md): null = none,
   * the item's own average handling time is used. Left out of a PUT, the stored value stays.
   */
  standardMin: z.number().positive().max(1440).nullable().optional(),
  /** 涉企事项: counted in the enterprise service efficiency. Left out of a PUT, the stored value stays. */
  enterprise: z.boolean().optional(),
};
export const itemBodySchema = z.object(itemShape).strict();
export const itemCreateBodySchema = z.object({ code: itemCodeSchema, ...itemShape }).strict();
export type ItemBody = z.infer<typeof itemBodySchema>;

export const queueBodySchema = z
  .object({
    id: idSchema.optional(),
    prefix: ticketPrefixSchema,
    name: nameSchema,
    departmentId: idSchema.nullable().optional(),
    dailyCap: z.number().int().min(1).max(99_999).default(999),
    openFrom: timeOfDaySchema.default('00:00'),
    openTo: timeOfDaySchema.default('24:00'),
  })
  .strict();
export type QueueBody = z.infer<typeof queueBodySchema>;

/** Integer weights: `window_queues.weight` is an integer column (migration 001). */
export const windowQueueSchema = z.object({ queueId: idSchema, weight: z.number().int().min(1).max(100) }).strict();
export const windowBodySchema = z
  .object({
    id: idSchema.optional(),
    no: z
      .string()
      .trim()
      .min(1)
      .max(8)
      .regex(/^[A-Za-z0-9-]+$/, 'window number: letters, digits and -'),
    name: nameSchema,
    departmentId: idSchema.nullable().optional(),
    raterDeviceId: idSchema.nullable().optional(),
    /** Queues served all day when the window has no periods. */
    queues: z.array(windowQueueSchema).max(50).default([]),
  })
  .strict();
export type WindowBody = z.infer<typeof windowBodySchema>;

export const periodQueueSchema = z.object({ queueId: idSchema, weight: z.number().positive().max(100) }).strict();
export const periodSchema = z
  .object({ from: timeOfDaySchema, to: timeOfDaySchema, queues: z.array(periodQueueSchema).max(50) })
  .strict();
/**
 * `PUT /windows/:windowId/periods`: the window's whole period list, replaced.
 * `{periods: [...]}` or the bare list; an empty list = the window serves its
 * all-day queues (`queues` of the window) again.
 */
export const periodsBodySchema = z.preprocess(
  (v) => (Array.isArray(v) ? { periods: v } : v),
  z.object({ periods: z.array(periodSchema).max(48) }).strict(),
);
export type PeriodsBody = z.infer<typeof periodsBodySchema>;

/** A ticket machine's item set (per-machine item set, 001 §1.1.1.16); null = every item of the hall. */
export const deviceItemsBodySchema = z.object({ itemCodes: z.array(itemCodeSchema).max(500).nullable() }).strict();
/** Binds a caller (呼叫器) to one window; null = any window of its hall. */
export const deviceWindowBodySchema = z.object({ windowId: idSchema.nullable() }).strict();

// ── the view ────────────────────────────────────────────────────────────────

export const configProblemSchema = z.object({ code: z.string(), path: z.string(), message: z.string() });
export type ConfigProblemView = z.infer<typeof configProblemSchema>;

export const hallConfigViewSchema = z.object({
  hall: z.object({
    id: z.string(),
    name: z.string(),
    address: z.string().nullable(),
    configVersion: z.number().int(),
    /** The policy the engine uses (defaults + overrides). */
    policy: z
      .object({
        starvationMin: z.number(),
        skip: skipPolicySchema,
        reactivateWithinMin: z.number(),
        transferAs: z.enum(['transferred-back', 'keep']),
      })
      .passthrough(),
    /** What the hall overrides (halls.queue_policy); null = all defaults. */
    policyOverrides: z.record(z.string(), z.unknown()).nullable(),
  }),
  departments: z.array(z.object({ id: z.string(), name: z.string() })),
  items: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      departmentId: z.string(),
      queueId: z.string(),
      promisedDays: z.number().nullable(),
      standardMin: z.number().nullable(),
      enterprise: z.boolean(),
    }),
  ),
  queues: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      prefix: z.string(),
      departmentId: z.string().nullable(),
      dailyCap: z.number().int(),
      openFrom: z.string(),
      openTo: z.string(),
      itemCodes: z.array(z.string()),
    }),
  ),
  windows: z.array(
    z.object({
      id: z.string(),
      no: z.string(),
      name: z.string(),
      departmentId: z.string().nullable(),
      raterDeviceId: z.string().nullable(),
      queues: z.array(z.object({ queueId: z.string(), weight: z.number() })),
      periods: z.array(
        z.object({
          from: z.string(),
          to: z.string(),
          queues: z.array(z.object({ queueId: z.string(), weight: z.number() })),
        }),
      ),
    }),
  ),
  devices: z.array(
    z.object({
      deviceId: z.string(),
      kind: deviceKindSchema,
      online: z.boolean(),
      revoked: z.boolean(),
      windowId: z.string().nullable(),
      itemCodes: z.array(z.string()).nullable(),
    }),
  ),
  /** Problems the stored configuration has now (empty when the engine can use it). */
  problems: z.array(configProblemSchema),
});
export type HallConfigView = z.infer<typeof hallConfigViewSchema>;

/** Answer of every change: the new configuration version and the configuration as it now stands. */
export interface ConfigChangeResult {
  configVersion: number;
  config: HallConfigView;
}

/** `ConfigChangeResult` as a schema, for the dashboard to check the answer of a change. */
export const configChangeResultSchema = z.object({ configVersion: z.number().int(), config: hallConfigViewSchema });
