import { z } from 'zod';
import { roleSchema, usernameSchema } from './rest.ts';

/**
 * REST bodies of sign-in hardening (docs/authentication.md). The
 * login body and response are in rest.ts (`loginBodySchema` takes `totp`).
 */
export const totpCodeSchema = z.string().regex(/^\d{6}$/, 'six digits');
export const pinSchema = z.string().regex(/^\d{6}$/, 'six digits');

export const passwordChangeBodySchema = z
  .object({ oldPassword: z.string().min(1).max(256), newPassword: z.string().min(1).max(256) })
  .strict();
export const passwordChangeResponseSchema = z.object({
  changed: z.literal(true),
  otherSessionsRevoked: z.number().int(),
});

/** `POST /api/auth/totp/setup`: the secret is shown this once; only its encrypted form is kept. */
export const totpSetupResponseSchema = z.object({
  secret: z.string(),
  uri: z.string(),
  algorithm: z.literal('SHA1'),
  digits: z.literal(6),
  period: z.literal(30),
});
export type TotpSetupResponse = z.infer<typeof totpSetupResponseSchema>;
export const totpConfirmBodySchema = z.object({ code: totpCodeSchema }).strict();
export const totpConfirmResponseSchema = z.object({ enabled: z.literal(true) });

/** `POST /api/auth/sessions/revoke` and `POST /api/auth/totp/reset` (permission `security.manage`). */
export const usernameBodySchema = z.object({ username: usernameSchema }).strict();
export const sessionsRevokeResponseSchema = z.object({ username: z.string(), revoked: z.number().int() });

/** `POST /api/auth/caller-token`: single use, for the console to show as a QR code. */
export const callerTokenResponseSchema = z.object({
  token: z.string(),
  expiresAt: z.string(),
  ttlSec: z.number().int(),
});
export const pinBodySchema = z.object({ pin: pinSchema }).strict();

/** `GET /api/auth/session`: the caller's own session. */
export const sessionResponseSchema = z.object({
  user: z.object({
    username: z.string(),
    role: roleSchema,
    hallId: z.string().nullable(),
    regionCode: z.string().nullable(),
  }),
  expiresAt: z.string(),
  idleMin: z.number().int().nullable(),
  mustEnrollTotp: z.boolean(),
  totpEnabled: z.boolean(),
  mustChangePassword: z.boolean(),
});
export type SessionResponse = z.infer<typeof sessionResponseSchema>;
