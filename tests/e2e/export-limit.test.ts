import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startStack, type Stack } from '../helpers/stack.ts';

/** Exports are rate-limited per user (EXPORT_RATE_PER_HOUR) after authorization; every export is audited. */
describe('export rate limit', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({ EXPORT_RATE_PER_HOUR: '2' });
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
  });

  it('the third export in an hour gets a coded 429; refused ones are not exported or audited as exports', async () => {
    const t = await login(s, 'auditor');
    const exports = async () =>
      (await s.app.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'audit.export'"))
        .rows[0]!.n;
    expect((await api(s, 'GET', '/api/audit/export', undefined, t)).status).toBe(200);
    expect((await api(s, 'GET', '/api/audit/export', undefined, t)).status).toBe(200);
    const third = await api<{ error: { code: string } }>(s, 'GET', '/api/audit/export', undefined, t);
    expect(third.status).toBe(429);
    expect(third.body.error.code).toBe('HALL_ERR_RATE_LIMITED');
    expect(await exports()).toBe(2);
    // Other endpoints of the same user are not limited by it.
    expect((await api(s, 'GET', '/api/audit/verify', undefined, t)).status).toBe(200);
  });

  it('a user without the permission is refused before the limiter counts', async () => {
    const t = await login(s, 'leader');
    for (let i = 0; i < 3; i++) expect((await api(s, 'GET', '/api/audit/export', undefined, t)).status).toBe(403);
  });
});
