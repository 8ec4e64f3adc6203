import { computed, ref } from 'vue';
import { defineStore } from 'pinia';
import { loginResponseSchema, type LoginResponse } from '@contracts/rest.ts';
import type { TotpSetupResponse } from '@contracts/auth.ts';
import { bindSession, codeOf } from '../api/client.ts';
import * as authApi from '../api/auth.ts';

/**
 * The signed-in staff member. The token lives in sessionStorage: it survives
 * a reload of the wall but not closing the tab, which suits shared
 * control-room machines better than localStorage.
 */
const STORAGE_KEY = 'hall.session';

function expired(s: LoginResponse): boolean {
  const t = Date.parse(s.expiresAt);
  return Number.isFinite(t) && t <= Date.now();
}

function restore(): LoginResponse | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    const s = loginResponseSchema.safeParse(raw ? JSON.parse(raw) : null);
    return s.success && !expired(s.data) ? s.data : null;
  } catch {
    return null;
  }
}

function persist(s: LoginResponse | null): void {
  try {
    if (s) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(s));
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // storage blocked: the session lasts until reload
  }
}

/** setTimeout's limit (~24.8 days); the server's TTL is at most 7 days. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const useAuthStore = defineStore('auth', () => {
  const session = ref<LoginResponse | null>(restore());
  const pending = ref(false);
  /** Error code of the last failed login, or why the user was signed out (session expired). */
  const errorCode = ref<string | null>(null);
  /** The account has a second factor: the login form asks for the one-time code (docs/authentication.md). */
  const needTotp = ref(false);
  let expiryTimer: ReturnType<typeof setTimeout> | undefined;

  const token = computed(() => session.value?.token ?? null);
  const user = computed(() => session.value?.user ?? null);

  function setSession(s: LoginResponse | null): void {
    session.value = s;
    persist(s);
    clearTimeout(expiryTimer);
    if (s) {
      const ms = Date.parse(s.expiresAt) - Date.now();
      if (Number.isFinite(ms)) expiryTimer = setTimeout(() => expire(), Math.min(Math.max(ms, 0), MAX_TIMER_MS));
    }
  }

  async function login(username: string, password: string, totp?: string): Promise<boolean> {
    pending.value = true;
    errorCode.value = null;
    try {
      const res = await authApi.login(username, password, totp);
      needTotp.value = false;
      setSession(res);
      return true;
    } catch (err) {
      errorCode.value = codeOf(err);
      if (errorCode.value === 'HALL_ERR_SECOND_FACTOR_REQUIRED') needTotp.value = true;
      return false;
    } finally {
      pending.value = false;
    }
  }

  /** Ends the session on the server too (revokes the token), then forgets it here. */
  function logout(): void {
    if (token.value) void authApi.logout().catch(() => undefined);
    errorCode.value = null;
    needTotp.value = false;
    setSession(null);
  }

  /** First step of TOTP enrolment: a new secret, shown once. */
  function setupTotp(): Promise<TotpSetupResponse> {
    return authApi.setupTotp();
  }

  /** Confirms enrolment with a code from the app; the session then serves everything the role may do. */
  async function confirmTotp(code: string): Promise<void> {
    await authApi.confirmTotp(code);
    if (session.value) setSession({ ...session.value, mustEnrollTotp: false });
  }

  /** The server no longer accepts the token: sign out and tell the user why. */
  function expire(): void {
    setSession(null);
    errorCode.value = 'HALL_ERR_UNAUTHENTICATED';
  }

  // Every request and socket carries this session's token; a refusal of it signs out here, whoever saw it.
  bindSession({ token: () => token.value, ended: expire });

  if (session.value) setSession(session.value); // arm the expiry timer of a restored session

  return { session, token, user, pending, errorCode, needTotp, login, logout, expire, setupTotp, confirmTotp };
});
