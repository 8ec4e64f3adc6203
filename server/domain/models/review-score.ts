import { HallError } from '../../../contracts/errors.ts';

/**
 * Review score quantification (好差评评分量化) — seed 001_8e9aa79f8e53624f.txt
 * “好差评”评价结果应用模型 (好差评评分量化模型) on the five levels of §1.1.1.4
 * 评价等级 (非常满意 … 非常不满意), ranked by the dimensions of “好差评”统计分析
 * (直属部门统计、下属区划统计) and the objects of §1.1.1.3 评价对象 (大厅、窗口、工作人员).
 *
 *   points(level) = (level − 1) / 4 × 100     5 → 100, 4 → 75, 3 → 50, 2 → 25, 1 → 0
 *   rawScore      = Σ points / n              (null when n = 0)
 *   score         = (Σ points + m · prior) / (n + m)
 *
 * The score is a Bayesian (Beta/Dirichlet-style) average: m pseudo-ratings at
 * the prior. A window with 2 非常满意 does not outrank one with 300 ratings at
 * 95: with few ratings the score stays near the prior, with many it tends to
 * the raw mean. Defaults: m = 10 ratings; prior = 75 (满意) for a single
 * score, and for a ranking the pooled raw score of everything ranked (the
 * city's, district's … average), so small counts are pulled toward their peers.
 *
 * Ranking order: score desc (compared at the 2 decimals the screens show),
 * then more ratings first, then key ascending (code-unit order). Equal shown
 * scores share a rank (competition ranking 1, 2, 2, 4), so the order and the
 * ranks are the same for the same input, whatever order it came in.
 */

export type RatingLevel = 1 | 2 | 3 | 4 | 5;
export const RATING_LEVELS: readonly RatingLevel[] = [5, 4, 3, 2, 1];
export const RATING_LABELS_ZH: Readonly<Record<RatingLevel, string>> = {
  5: '非常满意',
  4: '满意',
  3: '基本满意',
  2: '不满意',
  1: '非常不满意',
};
export type RatingCounts = Readonly<Record<RatingLevel, number>>;

export const DEFAULT_PRIOR = 75;
export const DEFAULT_PRIOR_WEIGHT = 10;

export const pointsOf = (level: RatingLevel): number => ((level - 1) / 4) * 100;
export const emptyCounts = (): Record<RatingLevel, number> => ({ 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 });

export interface ScoreOptions {
  /** Score the smoothing pulls toward, 0–100. */
  readonly prior?: number;
  /** Pseudo-ratings at the prior, m ≥ 0 (0 = no smoothing). */
  readonly weight?: number;
}

export interface ReviewScore {
  readonly n: number;
  readonly rawScore: number | null;
  readonly score: number;
  /** Share of 不满意 + 非常不满意 (差评, 001 “好差评”差评整改 (1)). */
  readonly badShare: number | null;
}

function totals(counts: RatingCounts): { n: number; points: number } {
  let n = 0,
    points = 0;
  for (const level of RATING_LEVELS) {
    const c = counts[level];
    if (!Number.isInteger(c) || c < 0)
      throw new HallError('HALL_ERR_BAD_REQUEST', `rating count of level ${level} must be an integer ≥ 0`);
    n += c;
    points += c * pointsOf(level);
  }
  return { n, points };
}

/** @example reviewScore({5: 3, 4: 1, 3: 0, 2: 0, 1: 1}, { prior: 80 }).score // (375 + 800) / 15 = 78.33 */
export function reviewScore(counts: RatingCounts, options: ScoreOptions = {}): ReviewScore {
  const prior = options.prior ?? DEFAULT_PRIOR;
  const m = options.weight ?? DEFAULT_PRIOR_WEIGHT;
  if (!(prior >= 0 && prior <= 100)) throw new HallError('HALL_ERR_BAD_REQUEST', 'prior must lie in [0, 100]');
  if (!(m >= 0 && Number.isFinite(m)))
    throw new HallError('HALL_ERR_BAD_REQUEST', 'weight must be a finite number ≥ 0');
  const { n, points } = totals(counts);
  const score = n + m > 0 ? (points + m * prior) / (n + m) : prior;
  return { n, rawScore: n > 0 ? points / n : null, score, badShare: n > 0 ? (counts[1] + counts[2]) / n : null };
}

/** Count ratings by a key; records whose key is null (e.g. an online review has no window) are left out. */
export function tallyRatings<T>(
  records: readonly T[],
  keyOf: (r: T) => string | null,
  levelOf: (r: T) => RatingLevel,
): Map<string, RatingCounts> {
  const out = new Map<string, Record<RatingLevel, number>>();
  for (const r of records) {
    const key = keyOf(r);
    if (key === null) continue;
    let c = out.get(key);
    if (!c) out.set(key, (c = emptyCounts()));
    c[levelOf(r)]++;
  }
  return out;
}

export interface RankedScore extends ReviewScore {
  readonly key: string;
  readonly rank: number;
}

const shown = (score: number) => Math.round(score * 100);

/** Rank groups by smoothed score; prior defaults to the pooled raw score of all groups (75 if there are no ratings). */
export function rankReviewScores(groups: ReadonlyMap<string, RatingCounts>, options: ScoreOptions = {}): RankedScore[] {
  let n = 0,
    points = 0;
  for (const c of groups.values()) {
    const t = totals(c);
    n += t.n;
    points += t.points;
  }
  const prior = options.prior ?? (n > 0 ? points / n : DEFAULT_PRIOR);
  const scored = [...groups.entries()].map(([key, c]) => ({
    key,
    ...reviewScore(c, { prior, weight: options.weight }),
  }));
  scored.sort((a, b) => shown(b.score) - shown(a.score) || b.n - a.n || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  let rank = 0;
  return scored.map((s, i) => {
    if (i === 0 || shown(s.score) !== shown(scored[i - 1]!.score)) rank = i + 1;
    return { ...s, rank };
  });
}

/** A review as the ranking reads it; null where the review has no such object (an online review has no window). */
export interface ReviewRecord {
  readonly level: RatingLevel;
  readonly windowId: string | null;
  readonly staffId: string | null;
  readonly departmentId: string | null;
  readonly hallId: string;
  readonly regionCode: string;
}
export type ReviewDimension = 'window' | 'staff' | 'department' | 'hall' | 'region';
const DIMENSION_KEY: Readonly<Record<ReviewDimension, (r: ReviewRecord) => string | null>> = {
  window: (r) => r.windowId,
  staff: (r) => r.staffId,
  department: (r) => r.departmentId,
  hall: (r) => r.hallId,
  region: (r) => r.regionCode,
};

/** Rankings by window, staff, department, hall or region. */
export function rankReviews(
  records: readonly ReviewRecord[],
  by: ReviewDimension,
  options: ScoreOptions = {},
): RankedScore[] {
  return rankReviewScores(
    tallyRatings(records, DIMENSION_KEY[by], (r) => r.level),
    options,
  );
}
