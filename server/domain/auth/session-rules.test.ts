import { describe, it, expect } from 'vitest';
import { sessionState, shouldTouch, totpStepAcceptable } from './session-rules.ts';

const t0 = new Date('2026-03-02T09:00:00Z');
const at = (min: number) => new Date(t0.getTime() + min * 60_000);

describe('session timeouts (GB/T 22239-2019 8.1.4.1 b, ASVS V7.3)', () => {
  const s = { createdAt: t0, expiresAt: at(720), lastSeenAt: t0, idleMin: 30 };
  it('is active while used within the idle time and before the absolute end', () => {
    expect(sessionState(s, at(29))).toBe('active');
    expect(sessionState({ ...s, lastSeenAt: at(700) }, at(719))).toBe('active');
  });
  it('ends after the idle time without use', () => {
    expect(sessionState(s, at(30))).toBe('idle');
  });
  it('ends at the absolute lifetime however busy', () => {
    expect(sessionState({ ...s, lastSeenAt: at(719) }, at(720))).toBe('expired');
  });
  it('has no idle end when idleMin is null (sessions from before migration 006)', () => {
    expect(sessionState({ ...s, idleMin: null }, at(600))).toBe('active');
  });
  it('writes last-seen at most once a minute', () => {
    expect(shouldTouch(t0, new Date(t0.getTime() + 59_999))).toBe(false);
    expect(shouldTouch(t0, at(1))).toBe(true);
  });
});

describe('TOTP replay (RFC 6238 §5.2)', () => {
  it('accepts a time step only once, and never an older one', () => {
    expect(totpStepAcceptable(null, 100)).toBe(true);
    expect(totpStepAcceptable(100, 101)).toBe(true);
    expect(totpStepAcceptable(100, 100)).toBe(false);
    expect(totpStepAcceptable(100, 99)).toBe(false);
  });
});
