import { HallError } from '../../../contracts/errors.ts';

/**
 * Multiple visits (跑多次) — seed 001_8e9aa79f8e53624f.txt “好差评”评价结果应用模型
 * (跑多次模型) and §1.1.1.5 评价标签 (不用跑多个部门和窗口 / 多头跑窗口和部门), the
 * project goal of 最多跑一次 (项目目标 三); seed 004_894aaa4ee2cebbc3.txt line 1188
 * (“两减”: 减跑动).
 *
 * A visit is one hall day on which an applicant took a ticket for an item.
 * Two tickets the same day are one trip (a re-take after 过号 is not another
 * journey). A matter is a chain of trips of the same applicant for the same
 * item where each trip follows the previous one within N days:
 *
 *   matters            = chains over all (applicant, item)
 *   multiVisitMatters  = chains with ≥ 2 trips
 *   rate               = multiVisitMatters / matters      (null when there are none)
 *
 * The applicant is the keyed look-up hash of the ID number
 * (server/security/pii.ts `lookupKey`: HMAC-SHA256 base64url, or `sm3:` +
 * HMAC-SM3 base64url) — never the plain ID; a key of another shape is refused
 * so a plain ID number cannot slip into a model result (DESIGN.md principle 8).
 */

export const DEFAULT_WITHIN_DAYS = 30;
const LOOKUP_KEY = /^(sm3:)?[A-Za-z0-9_-]{43}$/;
/** The look-up key's pattern as text, for a query that must apply the same rule (analytics/model-inputs.ts). */
export const LOOKUP_KEY_PATTERN = LOOKUP_KEY.source;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface Visit {
  readonly applicantKey: string;
  readonly itemCode: string;
  /** Hall day 'YYYY-MM-DD' (server/domain/hall-time.ts hallDay). */
  readonly day: string;
}

export interface RepeatVisits {
  readonly applicantKey: string;
  readonly itemCode: string;
  /** Trips (distinct days) in the matter, ≥ 2. */
  readonly visits: number;
  readonly firstDay: string;
  readonly lastDay: string;
}

export interface MultipleVisits {
  readonly matters: number;
  readonly multiVisitMatters: number;
  readonly rate: number | null;
  /** Most trips first, then applicant key, item and first day (code-unit order). */
  readonly repeats: RepeatVisits[];
}

export const isLookupKey = (key: string): boolean => LOOKUP_KEY.test(key);

function dayNumber(day: string): number {
  const m = DAY.exec(day);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  // Date.UTC rolls 02-30 over to March; the round trip catches a day that does not exist.
  const n = Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === day ? ms / 86_400_000 : Number.NaN;
  if (!Number.isInteger(n)) throw new HallError('HALL_ERR_BAD_REQUEST', `visit day must be YYYY-MM-DD, got ${day}`);
  return n;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function multipleVisits(
  visits: readonly Visit[],
  options: { readonly withinDays?: number } = {},
): MultipleVisits {
  const within = options.withinDays ?? DEFAULT_WITHIN_DAYS;
  if (!Number.isInteger(within) || within < 1)
    throw new HallError('HALL_ERR_BAD_REQUEST', 'withinDays must be a positive whole number');
  const days = new Map<string, { applicantKey: string; itemCode: string; days: Map<number, string> }>();
  for (const v of visits) {
    if (!isLookupKey(v.applicantKey))
      throw new HallError(
        'HALL_ERR_BAD_REQUEST',
        'applicantKey must be the keyed look-up hash (pii lookupKey), never a plain ID',
      );
    const id = `${v.applicantKey}\u0000${v.itemCode}`;
    let g = days.get(id);
    if (!g) days.set(id, (g = { applicantKey: v.applicantKey, itemCode: v.itemCode, days: new Map() }));
    g.days.set(dayNumber(v.day), v.day);
  }
  let matters = 0;
  const repeats: RepeatVisits[] = [];
  for (const g of days.values()) {
    const sorted = [...g.days.keys()].sort((a, b) => a - b);
    let start = 0;
    for (let i = 1; i <= sorted.length; i++) {
      if (i < sorted.length && sorted[i]! - sorted[i - 1]! <= within) continue;
      matters++;
      const trips = i - start;
      if (trips >= 2)
        repeats.push({
          applicantKey: g.applicantKey,
          itemCode: g.itemCode,
          visits: trips,
          firstDay: g.days.get(sorted[start]!)!,
          lastDay: g.days.get(sorted[i - 1]!)!,
        });
      start = i;
    }
  }
  repeats.sort(
    (a, b) =>
      b.visits - a.visits ||
      cmp(a.applicantKey, b.applicantKey) ||
      cmp(a.itemCode, b.itemCode) ||
      cmp(a.firstDay, b.firstDay),
  );
  return { matters, multiVisitMatters: repeats.length, rate: matters > 0 ? repeats.length / matters : null, repeats };
}
