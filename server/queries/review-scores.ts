import type { z } from 'zod';
import { HallError, type ReviewScoresResponse, type reviewScoresQuerySchema } from '../../contracts/index.ts';
import { reviewRows, type ReviewRow } from '../../analytics/model-inputs.ts';
import { round2 } from '../../analytics/indicators/evaluate.ts';
import { hallScope, type StaffPrincipal } from '../domain/access/scope.ts';
import {
  DEFAULT_PRIOR,
  DEFAULT_PRIOR_WEIGHT,
  rankReviews,
  type RankedScore,
  type RatingLevel,
  type ReviewRecord,
} from '../domain/models/index.ts';
import { namesOf, regionLevel, type RegionLevelView } from '../store/regions-repo.ts';
import { hallsForQuery, periodScope } from './halls-in-scope.ts';
import type { ReadModelDeps } from './read-model-deps.ts';

/**
 * 好差评评分量化 (seed 001_8e9aa79f8e53624f.txt “好差评”评价结果应用模型:
 * 好差评评分量化模型, ranked by the objects of §1.1.1.3 评价对象 and the
 * dimensions of “好差评”统计分析 直属部门统计、下属区划统计): smoothed 0–100
 * scores (server/domain/models/review-score.ts) ranked by window, staff,
 * department, hall or child region. Reviews have not landed: an empty list
 * says so in `note`. docs/models.md "On the screens".
 */
export type ReviewScoresQuery = z.output<typeof reviewScoresQuerySchema>;

/** The ranked rows to show and the prior the smoothing pulled toward. */
export interface ReviewRanking {
  rows: RankedScore[];
  prior: number;
}

const r2 = (v: number | null) => (v === null ? null : round2(v));

/** 下属区划统计: each hall counts for the child of the level asked for (a hall placed at the level counts for itself). */
export function childOfHall(level: RegionLevelView | null): Map<string, { id: string; name: string }> {
  const childOf = new Map<string, { id: string; name: string }>();
  for (const c of level?.children ?? []) for (const h of c.hallIds) childOf.set(h, { id: c.id, name: c.name });
  return childOf;
}

/** The reviews with a level on the five-level scale (§1.1.1.4 评价等级), ranked by `by`, cut to `limit`. Pure. */
export function rankReviewRows(
  found: readonly ReviewRow[],
  childOf: ReadonlyMap<string, { id: string; name: string }>,
  q: Pick<ReviewScoresQuery, 'by' | 'limit'>,
): ReviewRanking {
  const records: ReviewRecord[] = found
    .filter((x) => x.level >= 1 && x.level <= 5)
    .map((x) => ({
      level: x.level as RatingLevel,
      windowId: x.windowId || null,
      staffId: x.staffId || null,
      departmentId: x.departmentId || null,
      hallId: x.hallId,
      regionCode: childOf.get(x.hallId)?.id ?? x.hallId,
    }));
  const ranked = rankReviews(records, q.by);
  const n = ranked.reduce((a, x) => a + x.n, 0);
  const prior = n > 0 ? ranked.reduce((a, x) => a + (x.rawScore ?? 0) * x.n, 0) / n : DEFAULT_PRIOR;
  return { rows: ranked.slice(0, q.limit), prior };
}

/** The response from the ranking, the number of reviews found and the rows' display names. Pure. */
export function reviewScoresResponse(
  q: Pick<ReviewScoresQuery, 'by' | 'includeDefault'>,
  reviews: number,
  ranking: ReviewRanking,
  names: ReadonlyMap<string, string>,
): ReviewScoresResponse {
  return {
    by: q.by,
    includeDefault: q.includeDefault,
    reviews,
    prior: round2(ranking.prior),
    weight: DEFAULT_PRIOR_WEIGHT,
    rows: ranking.rows.map((x) => ({
      key: x.key,
      name: names.get(x.key) ?? x.key,
      rank: x.rank,
      n: x.n,
      score: round2(x.score),
      rawScore: r2(x.rawScore),
      badShare: r2(x.badShare),
    })),
    note:
      reviews === 0
        ? 'No review.submitted events in this scope and period: reviews (好差评, 001 §1.1.1.3–1.1.1.10) have not landed yet, so there is nothing to rank.'
        : null,
  };
}

export async function loadReviewScores(
  deps: ReadModelDeps,
  user: StaffPrincipal,
  q: ReviewScoresQuery,
): Promise<ReviewScoresResponse> {
  const { db, analytics, config } = deps;
  if (q.by === 'region' && q.hall)
    throw new HallError('HALL_ERR_BAD_REQUEST', 'the region ranking takes a region, not a hall', [
      { path: 'hall', message: 'not allowed with by=region' },
    ]);
  const hallIds = await hallsForQuery(db, user, q);
  const level = q.by === 'region' ? await regionLevel(db, hallScope(user), q.region ?? null) : null;
  const childOf = childOfHall(level);
  const found = await reviewRows(analytics, periodScope(hallIds, q, config.HALL_TZ), q.includeDefault);
  const ranking = rankReviewRows(found, childOf, q);
  const names =
    q.by === 'region'
      ? new Map([...childOf.values()].map((c) => [c.id, c.name]))
      : await namesOf(
          db,
          q.by,
          ranking.rows.map((x) => x.key),
        );
  return reviewScoresResponse(q, found.length, ranking, names);
}
