import { HallError } from '../../contracts/index.ts';

/** The rule names of a WEAK_PASSWORD (or weak PIN) refusal, for the audit row (never the secret). */
export function failedRules(e: unknown): unknown {
  return e instanceof HallError ? ((e.details as { failed?: unknown } | undefined)?.failed ?? null) : null;
}
