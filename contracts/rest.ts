import { z } from 'zod';
import { idSchema, regionCodeSchema, deviceKindSchema } from './ids.ts';

/** Staff roles (DOMAIN.md "Who uses it"; 三权分立 admins per GB/T 22239-2019 8.1.4.2). */
export const roles = [
  'sysadmin',
  'secadmin',
  'auditadmin',
  'leader',
  'supervisor',
  'staff',
  'reviewer',
  'appointment',
] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

export const usernameSchema = z.string().regex(/^[A-Za-z0-9_.@-]{3,64}$/);
/** `totp`: the one-time code, required once the account has a second factor (docs/authentication.md). */
export const loginBodySchema = z
  .object({
    username: usernameSchema,
    password: z.string().min(1).max(256),
    totp: z
      .string()
      .regex(/^\d{6}$/, 'six digits')
      .optional(),
  })
  .strict();
export const loginResponseSchema = z.object({
  token: z.string(),
  expiresAt: z.string(),
  user: z.object({
    username: z.string(),
    role: roleSchema,
    hallId: z.string().nullable(),
    regionCode: z.string().nullable(),
  }),
  /** Minutes without use after which the session ends (SESSION_IDLE_MIN). */
  idleMin: z.number().int().nullable().optional(),
  /** An administrator without a second factor yet: the session serves only TOTP setup/confirm and logout. */
  mustEnrollTotp: z.boolean().optional(),
  /** The password is an initial one set by someone else; change it with POST /api/auth/password. */
  mustChangePassword: z.boolean().optional(),
});
export type LoginResponse = z.infer<typeof loginResponseSchema>;

export const deviceAddBodySchema = z
  .object({ hallId: idSchema, kind: deviceKindSchema, deviceId: idSchema.optional() })
  .strict();
export const deviceCredentialsSchema = z.object({
  deviceId: z.string(),
  hallId: z.string(),
  kind: deviceKindSchema,
  username: z.string(),
  password: z.string(),
  topicPrefix: z.string(),
});
export type DeviceCredentials = z.infer<typeof deviceCredentialsSchema>;

/** `GET /api/devices?hallId=&kind=` and `devices:list` (docs/mqtt.md "Credentials lifecycle"). */
export const deviceListQuerySchema = z
  .object({ hallId: idSchema.optional(), kind: deviceKindSchema.optional() })
  .strict();
export const deviceParamsSchema = z.object({ deviceId: idSchema });
/** A registered device as operators see it; never its secret. `online` is the last presence the ingest recorded. */
export const deviceInfoSchema = z.object({
  deviceId: z.string(),
  hallId: z.string(),
  kind: deviceKindSchema,
  online: z.boolean(),
  lastSeenAt: z.string().nullable(),
  createdAt: z.string(),
  secretRotatedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  revokedBy: z.string().nullable(),
});
export type DeviceInfo = z.infer<typeof deviceInfoSchema>;

export const userAddBodySchema = z
  .object({
    role: roleSchema,
    username: usernameSchema.optional(),
    hallId: idSchema.optional(),
    regionCode: regionCodeSchema.optional(),
  })
  .strict()
  .refine((u) => !['supervisor', 'staff'].includes(u.role) || u.hallId, {
    message: 'supervisor and staff need a hall',
    path: ['hallId'],
  });
export const userCredentialsSchema = z.object({ username: z.string(), password: z.string() });

export const hallParamsSchema = z.object({ hallId: idSchema });

/** `GET /api/halls/:hallId/tickets/:ticketId/identity` (permission `pii.view`, audited; docs/personal-data.md). */
export const ticketParamsSchema = z.object({ hallId: idSchema, ticketId: z.uuid() });
export const ticketIdentitySchema = z.object({
  ticketId: z.string(),
  ticketNo: z.string(),
  hallId: z.string(),
  issuedAt: z.string(),
  identity: z.object({ idNumber: z.string().nullable(), name: z.string().nullable(), phone: z.string().nullable() }),
});
export type TicketIdentity = z.infer<typeof ticketIdentitySchema>;

/**
 * Broker authentication/authorisation webhooks for an external broker
 * (EMQX HTTP auth, mosquitto-go-auth HTTP backend). See docs/external-engines.md.
 */
export const brokerAuthBodySchema = z
  .object({
    clientid: z.string().max(256).optional(),
    username: z.string().max(256),
    password: z.string().max(1024),
  })
  .strict();
export const brokerAclBodySchema = z
  .object({
    clientid: z.string().max(256).optional(),
    username: z.string().max(256),
    topic: z.string().max(1024),
    /** EMQX sends `publish`/`subscribe`; mosquitto-go-auth sends acc 1=read, 2=write, 4=subscribe. */
    action: z.enum(['publish', 'subscribe']).optional(),
    acc: z.number().int().optional(),
  })
  .strict();
