import type { IndicatorDescription } from '../../contracts/indicators.ts';
import { appointmentIndicators } from './appointments.ts';
import { caseIndicators } from './cases.ts';
import { deviceIndicators } from './devices.ts';
import { queueIndicators } from './queue.ts';
import { reviewIndicators } from './reviews.ts';
import type { IndicatorDefinition } from './types.ts';

/**
 * The indicator catalog (docs/indicators.md):
 * every indicator in one list, in screen order. Ids are unique — checked
 * here at load, so a duplicate fails at start-up rather than shadowing.
 */
export const catalog: readonly IndicatorDefinition[] = Object.freeze([
  ...queueIndicators,
  ...deviceIndicators,
  ...reviewIndicators,
  ...appointmentIndicators,
  ...caseIndicators,
]);

const byId = new Map<string, IndicatorDefinition>();
for (const d of catalog) {
  if (byId.has(d.id)) throw new Error(`indicator id ${d.id} is defined twice`);
  byId.set(d.id, d);
}

export function findIndicator(id: string): IndicatorDefinition | undefined {
  return byId.get(id);
}

/** The public description (GET /api/indicators): everything but the SQL. */
export function describeIndicator(d: IndicatorDefinition): IndicatorDescription {
  const { sql: _sql, ...description } = d;
  return description;
}
