import { z } from 'zod';
import { idSchema, itemCodeSchema, type DeviceKind } from './ids.ts';

/**
 * Payloads of the five device kinds. `ticket.request` and the
 * device state came first; the rest are the agreed wire format that later capabilities
 * implement, so devices and the simulator can already be written against them.
 * Seeds: 001 §1.1.1.15–16 (取号/叫号), §1.1.1.3–13 (评价器), 004 (视频汇聚).
 */

// ── ticket machine (取号机) ────────────────────────────────────────────────
/** How the citizen identified at the machine (001 §1.1.1.15: 身份证, 扫码, 刷脸). */
export const identityMethodSchema = z.enum(['id-card', 'qr', 'face', 'none']);
export const ticketRequestSchema = z
  .object({
    itemCode: itemCodeSchema,
    identity: z
      .object({
        method: identityMethodSchema,
        /** 15 or 18 character ID number; encrypted at rest, never echoed in full. */
        idNumber: z
          .string()
          .regex(/^(\d{15}|\d{17}[\dXx])$/)
          .optional(),
        name: z.string().min(1).max(50).optional(),
        phone: z
          .string()
          .regex(/^1\d{10}$/)
          .optional(),
      })
      .strict()
      .optional(),
    /** 预约取号: the appointment QR code. */
    appointmentCode: z.string().max(64).optional(),
    /** 绿色通道 (elderly, disabled, pregnant): the machine's green-channel button. */
    class: z.enum(['walk-in', 'green']).optional(),
  })
  .strict();
export const ticketIssuedSchema = z.object({
  ticketId: z.string(),
  ticketNo: z.string(),
  queue: z.object({ id: z.string(), name: z.string(), prefix: z.string() }),
  hallName: z.string(),
  department: z.string().optional(),
  waitingAhead: z.number().int().nonnegative(),
  estimatedWaitMin: z.number().nonnegative().optional(),
  /** The range behind the estimate: 预计等候 lowMin–highMin 分钟. Absent when no open window serves the queue. */
  estimatedWait: z.object({ lowMin: z.number().nonnegative(), highMin: z.number().nonnegative() }).optional(),
  class: z.enum(['walk-in', 'appointment', 'green', 'transferred-back']).optional(),
  /** Path of the citizen's ticket page; the slip prints it as a QR code with the server's public address. */
  ticketPage: z.string().optional(),
  /** Masked on the server (2301**********123X) before it reaches the slip. */
  idNumberMasked: z.string().optional(),
  nameMasked: z.string().optional(),
  issuedAt: z.string(),
  seq: z.number().int().positive(),
});
/** Running state of the machine and its peripherals (缺纸 paper out). */
export const ticketerStatusSchema = z
  .object({
    paper: z.enum(['ok', 'low', 'out']),
    printer: z.enum(['ok', 'fault']).default('ok'),
    reader: z.enum(['ok', 'fault']).default('ok'),
  })
  .strict();

// ── window caller (呼叫器) ────────────────────────────────────────────────
/**
 * The caller speaks the window operations of the console (001 §1.1.1.16;
 * server/commands/window-ops.ts `windowOpSchema`): `call.{op}`
 * is the op with the window it acts at. Every message names its window; a
 * caller bound to a window (devices.window_id) may name only that one. Staff
 * sign in first (`caller.signin`, account + PIN or the console's QR token);
 * every `call.*` needs that live sign-in at the same window. Tickets are named
 * by number (the keypad's A001); where an op acts on the window's current
 * ticket the number is optional and, given, must be the current one.
 */
const callTicketNo = z.string().min(1).max(16);
const windowOnly = z.object({ windowId: idSchema }).strict();
export const callerSigninSchema = z.union([
  z
    .object({ windowId: idSchema, account: z.string().min(1).max(64), pin: z.string().regex(/^\d{6}$/, 'six digits') })
    .strict(),
  /** The single-use token of `POST /api/auth/caller-token`, scanned from the console's QR code. */
  z.object({ windowId: idSchema, token: z.string().min(16).max(128) }).strict(),
]);
export const callerSignoutSchema = windowOnly;
export const callNextSchema = windowOnly;
/** open / pause / resume / close the window. */
export const callWindowSchema = windowOnly;
/** Out of order (叫指定号), with the reason kept on the ticket. */
export const callPickSchema = z
  .object({ windowId: idSchema, ticketNo: callTicketNo, reason: z.string().min(1).max(200).optional() })
  .strict();
/** recall (重呼) / skip (过号) / start: the current ticket unless named. */
export const callTicketSchema = z.object({ windowId: idSchema, ticketNo: callTicketNo.optional() }).strict();
export const callTransferSchema = z
  .object({
    windowId: idSchema,
    ticketNo: callTicketNo.optional(),
    toQueueId: idSchema.optional(),
    toWindowId: idSchema.optional(),
  })
  .strict()
  .refine((t) => t.toQueueId !== undefined || t.toWindowId !== undefined, {
    message: 'transfer needs toQueueId or toWindowId',
    path: ['toQueueId'],
  });
/** 办结 with its outcome (default done); opens the case and prompts the window's rater. */
export const callCompleteSchema = z
  .object({
    windowId: idSchema,
    ticketNo: callTicketNo.optional(),
    outcome: z.enum(['done', 'refused', 'incomplete']).default('done'),
  })
  .strict();
/** A skipped ticket whose citizen came back within the limit (过号重新激活). */
export const callReactivateSchema = z.object({ windowId: idSchema, ticketNo: callTicketNo }).strict();

/** `down/caller.signedin`: who now works at the window, until when the caller session lasts. */
export const callerSignedInSchema = z.object({
  windowId: z.string(),
  windowNo: z.string(),
  username: z.string(),
  expiresAt: z.string(),
});
export const callerSignedOutSchema = z.object({ windowId: z.string() });
/** `down/call.result`: the window as it stands after the op (window-ops.ts `WindowOpReply`). */
export const callResultSchema = z.object({
  seq: z.number().int().nonnegative(),
  events: z.array(z.string()),
  window: z.object({ id: z.string(), no: z.string(), status: z.string(), served: z.number().int().nonnegative() }),
  current: z
    .object({ ticketId: z.string(), ticketNo: z.string(), status: z.string(), queueId: z.string(), class: z.string() })
    .nullable(),
});
export type CallerSignin = z.infer<typeof callerSigninSchema>;
export type CallResult = z.infer<typeof callResultSchema>;
export type CallerSignedIn = z.infer<typeof callerSignedInSchema>;

// ── rating terminal (评价器) ──────────────────────────────────────────────
/** Five levels, 5 非常满意 … 1 非常不满意; 1–2 are bad reviews and need a tag (001 测评内容). */
export const ratingSubmitSchema = z
  .object({
    windowId: idSchema,
    ticketNo: z.string().max(16).optional(),
    caseId: z.string().max(64).optional(),
    level: z.number().int().min(1).max(5),
    tags: z
      .array(z.string().regex(/^\d{3}$/))
      .max(20)
      .default([]),
  })
  .strict()
  .refine((r) => r.level > 2 || r.tags.length > 0, { message: 'bad review needs at least one tag', path: ['tags'] });

// ── video channel (视频通道) ──────────────────────────────────────────────
export const cameraCountSchema = z
  .object({
    zones: z.array(z.object({ zone: z.string().max(32), people: z.number().int().nonnegative() })).max(64),
  })
  .strict();
export const cameraAlarmSchema = z
  .object({
    alarm: z.enum(['crowding', 'intrusion', 'fall', 'tamper', 'offline']),
    zone: z.string().max(32).optional(),
    detail: z.string().max(500).optional(),
  })
  .strict();

// ── displays (LED屏 / 语音播报) ────────────────────────────────────────────
export const displayShowSchema = z
  .object({
    text: z.string().max(200),
    voice: z.string().max(200).optional(),
    windowNo: z.string().max(16).optional(),
    ticketNo: z.string().max(16).optional(),
  })
  .strict();

/**
 * Every `up/{type}` a device kind may send, with its data schema. The ingest
 * refuses any other type with HALL_ERR_UNKNOWN_TYPE.
 */
export const upMessages = {
  ticketer: { 'ticket.request': ticketRequestSchema, 'device.status': ticketerStatusSchema },
  caller: {
    'caller.signin': callerSigninSchema,
    'caller.signout': callerSignoutSchema,
    'call.next': callNextSchema,
    'call.pick': callPickSchema,
    'call.recall': callTicketSchema,
    'call.skip': callTicketSchema,
    'call.start': callTicketSchema,
    'call.transfer': callTransferSchema,
    'call.complete': callCompleteSchema,
    'call.open': callWindowSchema,
    'call.pause': callWindowSchema,
    'call.resume': callWindowSchema,
    'call.close': callWindowSchema,
    'call.reactivate': callReactivateSchema,
  },
  rater: { 'rating.submit': ratingSubmitSchema },
  camera: { 'camera.count': cameraCountSchema, 'camera.alarm': cameraAlarmSchema },
  display: { 'display.ack': z.object({ text: z.string().max(200) }).strict() },
} as const satisfies Record<DeviceKind, Record<string, z.ZodType>>;

/** Replies the server sends on `down/{type}`. */
export const downMessages = {
  'ticket.issued': ticketIssuedSchema,
  'display.show': displayShowSchema,
  /** Completion asks the window's rating terminal for the citizen's review (一次一评, DOMAIN.md "Reviews"). */
  'rating.prompt': z.object({ ticketId: z.string(), ticketNo: z.string(), windowId: z.string(), windowNo: z.string() }),
  'caller.signedin': callerSignedInSchema,
  'caller.signedout': callerSignedOutSchema,
  'call.result': callResultSchema,
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
} as const;

export type TicketRequest = z.infer<typeof ticketRequestSchema>;
export type TicketIssued = z.infer<typeof ticketIssuedSchema>;
export type TicketerStatus = z.infer<typeof ticketerStatusSchema>;
export type CameraCount = z.infer<typeof cameraCountSchema>;
export type DisplayShow = z.infer<typeof displayShowSchema>;
