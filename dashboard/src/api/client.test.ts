import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ApiError, bindSession, command, path, request } from './client.ts';

/** The REST client: the token goes on by itself, the session ends once, answers are checked against their contract. */
describe('api client', () => {
  let token: string | null;
  let ended: number;
  let sent: { url: string; init: RequestInit }[];

  function answer(status: number, body: unknown): void {
    vi.stubGlobal(
      'fetch',
      vi.fn((url: string, init: RequestInit) => {
        sent.push({ url, init });
        return Promise.resolve(
          new Response(body === undefined ? null : JSON.stringify(body), {
            status,
            headers: { 'content-type': 'application/json' },
          }),
        );
      }),
    );
  }

  beforeEach(() => {
    token = 'tok-1';
    ended = 0;
    sent = [];
    bindSession({
      token: () => token,
      ended: () => {
        ended++;
        token = null;
      },
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('adds the bearer token, encodes path segments and leaves out undefined query values', async () => {
    answer(200, { n: 1 });
    await request(z.object({ n: z.number() }), path('halls', 'h 1', 'windows'), { query: { a: 'x', b: undefined } });
    expect(sent[0]!.url).toBe('/api/halls/h%201/windows?a=x');
    expect((sent[0]!.init.headers as Record<string, string>).Authorization).toBe('Bearer tok-1');
  });

  it('an answer of another shape is a BAD_RESPONSE, not a silent cast', async () => {
    answer(200, { n: 'one' });
    const err = await request(z.object({ n: z.number() }), '/api/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('BAD_RESPONSE');
    expect((err as ApiError).message).toMatch(/n:/);
  });

  it.each(['HALL_ERR_UNAUTHENTICATED', 'HALL_ERR_SESSION_EXPIRED'])(
    '%s ends the session, and keeps its code',
    async (code) => {
      answer(401, { error: { code, message: 'no' } });
      const err = await command('/api/x', { method: 'POST' }).catch((e: unknown) => e);
      expect((err as ApiError).code).toBe(code);
      expect(ended).toBe(1);
    },
  );

  it('other refusals leave the session alone', async () => {
    answer(403, { error: { code: 'HALL_ERR_FORBIDDEN', message: 'no' } });
    await command('/api/x').catch(() => undefined);
    expect(ended).toBe(0);
  });

  it('a refusal of a token that is no longer the session (logout, another sign-in) ends nothing', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => {
        token = 'tok-2'; // signed in anew while the request travelled
        return Promise.resolve(
          new Response(JSON.stringify({ error: { code: 'HALL_ERR_UNAUTHENTICATED', message: 'no' } }), { status: 401 }),
        );
      }),
    );
    await command('/api/x').catch(() => undefined);
    expect(ended).toBe(0);
  });

  it('without a session nothing is signed out (a failed login)', async () => {
    token = null;
    answer(401, { error: { code: 'HALL_ERR_UNAUTHENTICATED', message: 'bad password' } });
    await command('/api/auth/login', { method: 'POST', body: {} }).catch(() => undefined);
    expect(ended).toBe(0);
  });
});
