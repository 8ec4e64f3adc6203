import { describe, it, expect } from 'vitest';
import { matchTotp, newTotpSecret, totpCode, totpStep, totpUri } from './totp.ts';

const now = new Date('2026-03-02T09:00:10Z');

describe('TOTP (RFC 6238, SHA-1, 6 digits, 30 s, ±1 step)', () => {
  it('matches the RFC 6238 SHA-1 test vector', () => {
    // RFC 6238 appendix B: secret "12345678901234567890", T = 59 s → 94287082 (8 digits); 6 digits → 287082.
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    expect(totpCode(secret, new Date(59_000))).toBe('287082');
  });

  it('accepts the current step and one step either side, and names the step', () => {
    const s = newTotpSecret();
    expect(s).toMatch(/^[A-Z2-7]{32}$/);
    const step = totpStep(now);
    expect(matchTotp(s, totpCode(s, now), now)).toBe(step);
    expect(matchTotp(s, totpCode(s, new Date(now.getTime() - 30_000)), now)).toBe(step - 1);
    expect(matchTotp(s, totpCode(s, new Date(now.getTime() + 30_000)), now)).toBe(step + 1);
    expect(matchTotp(s, totpCode(s, new Date(now.getTime() - 90_000)), now)).toBeNull();
    expect(matchTotp(s, 'abcdef', now)).toBeNull();
    expect(matchTotp(s, '1234567', now)).toBeNull();
  });

  it('gives an otpauth:// URI authenticator apps read', () => {
    const uri = totpUri('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', 'admin');
    expect(uri).toMatch(/^otpauth:\/\/totp\/HallOps:admin\?/);
    expect(uri).toContain('secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    expect(uri).toContain('algorithm=SHA1');
    expect(uri).toContain('digits=6');
    expect(uri).toContain('period=30');
  });
});
