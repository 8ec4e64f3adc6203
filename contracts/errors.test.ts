import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG, ERROR_CODES, httpStatusOf, type ErrorCode } from './errors.ts';

describe('error catalog', () => {
  const codes = Object.keys(ERROR_CATALOG) as ErrorCode[];

  it('gives every code an HTTP error status, so a new code cannot fall through to an unplanned 500', () => {
    for (const code of codes) {
      const s = httpStatusOf(code);
      expect(Number.isInteger(s), code).toBe(true);
      expect(s >= 400 && s <= 599, `${code}: ${s}`).toBe(true);
    }
  });

  it('keeps the statuses the REST API has always answered', () => {
    expect(httpStatusOf('HALL_ERR_BAD_REQUEST')).toBe(400);
    expect(httpStatusOf('HALL_ERR_UNAUTHENTICATED')).toBe(401);
    expect(httpStatusOf('HALL_ERR_FORBIDDEN')).toBe(403);
    expect(httpStatusOf('HALL_ERR_NOT_FOUND')).toBe(404);
    expect(httpStatusOf('HALL_ERR_QUEUE_CLOSED')).toBe(409);
    expect(httpStatusOf('HALL_ERR_PAYLOAD_TOO_LARGE')).toBe(413);
    expect(httpStatusOf('HALL_ERR_ACCOUNT_LOCKED')).toBe(423);
    expect(httpStatusOf('HALL_ERR_RATE_LIMITED')).toBe(429);
    expect(httpStatusOf('HALL_ERR_INTERNAL')).toBe(500);
    expect(httpStatusOf('HALL_ERR_UNAVAILABLE')).toBe(503);
  });

  it('keeps one default message per code', () => {
    for (const code of codes) expect(ERROR_CODES[code]).toBe(ERROR_CATALOG[code].message);
  });
});
