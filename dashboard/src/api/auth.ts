import { loginResponseSchema, type LoginResponse } from '@contracts/rest.ts';
import {
  callerTokenResponseSchema,
  totpConfirmResponseSchema,
  totpSetupResponseSchema,
  type TotpSetupResponse,
} from '@contracts/auth.ts';
import { command, path, request } from './client.ts';

/** Sign-in, sign-out and the second factor (docs/authentication.md). */

export function login(username: string, password: string, totp?: string): Promise<LoginResponse> {
  return request(loginResponseSchema, path('auth', 'login'), {
    method: 'POST',
    body: { username, password, ...(totp ? { totp } : {}) },
  });
}

/** Revokes the token on the server; answers 204. */
export function logout(): Promise<void> {
  return command(path('auth', 'logout'), { method: 'POST' });
}

/** First step of TOTP enrolment: a new secret, shown once. */
export function setupTotp(): Promise<TotpSetupResponse> {
  return request(totpSetupResponseSchema, path('auth', 'totp', 'setup'), { method: 'POST', body: {} });
}

export async function confirmTotp(code: string): Promise<void> {
  await request(totpConfirmResponseSchema, path('auth', 'totp', 'confirm'), { method: 'POST', body: { code } });
}

/** A single-use token for a window caller's sign-in (shown as a QR code). */
export function issueCallerToken() {
  return request(callerTokenResponseSchema, path('auth', 'caller-token'), { method: 'POST', body: {} });
}
