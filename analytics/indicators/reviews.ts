import { SRC } from './sources.ts';
import { IN_HALLS, IN_PERIOD, FROM_MS, TO_MS, dataMs, dataString, percent, type IndicatorDefinition } from './types.ts';

/**
 * Review indicators (好差评). They consume `review.submitted`,
 * `review.rectification-opened` and `review.rectified`, defined in
 * contracts/indicators.ts and emitted when the review capability lands.
 * Every case gets exactly one review, the 7-day default included (一次一评,
 * 001 §1.1.1.8 评价次数; §1.1.1.10), so "all reviews of the period" is the
 * reviewed case count and the denominator of every rate here.
 */

/** One pass over the period's reviews. */
const reviewsOf = (value: string): string => `SELECT ${value} AS value
FROM events
WHERE ${IN_HALLS} AND ${IN_PERIOD} AND type = 'review.submitted'`;
const LEVEL = "JSONExtractInt(payload, 'data', 'level')";
const ACTIVE = "JSONExtractBool(payload, 'data', 'active')";
const IS_DEFAULT = "JSONExtractBool(payload, 'data', 'isDefault')";

/**
 * Rectification orders (整改工单) due in [from, to), each with whether it was
 * closed by its deadline. Opening precedes the deadline by days, so a 90-day
 * look-back finds every order due in the period. An order still open at its
 * deadline is late; since every deadline is before `to`, the figure is final.
 */
const ordersDue = (value: string): string => `SELECT ${value} AS value
FROM (
  SELECT hall_id, ${dataString('reviewId')} AS review_id,
         anyIf(${dataMs('dueAt')}, type = 'review.rectification-opened') AS due_ms,
         countIf(type = 'review.rectification-opened') > 0 AS opened,
         minIf(toUnixTimestamp64Milli(at), type = 'review.rectified') AS rectified_ms,
         countIf(type = 'review.rectified') > 0 AS rectified
  FROM events
  WHERE ${IN_HALLS} AND type IN ('review.rectification-opened', 'review.rectified')
    AND at >= {from:DateTime64(3)} - INTERVAL 90 DAY AND at < {to:DateTime64(3)}
  GROUP BY hall_id, review_id
  HAVING opened AND due_ms >= ${FROM_MS} AND due_ms < ${TO_MS}
)`;
const ON_TIME = 'rectified AND rectified_ms <= due_ms';

export const reviewIndicators: readonly IndicatorDefinition[] = [
  {
    id: 'review.satisfaction.rate',
    area: 'reviews',
    kind: 'flow',
    unit: 'percent',
    nameZh: '满意率',
    nameEn: 'Satisfaction rate',
    definition: {
      zh: '期间内评价中非常满意、满意、基本满意 (含默认评价) 的条数 ÷ 评价总数 × 100。',
      en: 'Reviews of level 3–5 (基本满意 and better, default reviews included) ÷ all reviews in the period × 100.',
    },
    thresholds: { direction: 'higher-better', good: 99, warn: 95 },
    whenEmpty: null,
    sources: [SRC.reviewLevels, SRC.reviewStats],
    sql: reviewsOf(percent(`countIf(${LEVEL} >= 3)`, 'count()')),
  },
  {
    id: 'review.bad.rate',
    area: 'reviews',
    kind: 'flow',
    unit: 'percent',
    nameZh: '差评率',
    nameEn: 'Bad-review rate',
    definition: {
      zh: '期间内不满意、非常不满意的评价条数 ÷ 评价总数 × 100。',
      en: 'Reviews of level 1–2 (不满意, 非常不满意) ÷ all reviews in the period × 100.',
    },
    thresholds: { direction: 'lower-better', good: 1, warn: 3 },
    whenEmpty: null,
    sources: [SRC.reviewLevels, SRC.reviewStats],
    sql: reviewsOf(percent(`countIf(${LEVEL} <= 2)`, 'count()')),
  },
  {
    id: 'review.active.count',
    area: 'reviews',
    kind: 'flow',
    unit: 'count',
    nameZh: '主动评价数量',
    nameEn: 'Active reviews',
    definition: {
      zh: '期间内办事人自行通过评价渠道提交的评价条数 (不含默认评价和回访评价)。',
      en: 'Reviews the citizen gave on their own at a channel in the period (not default reviews, not return-visit reviews).',
    },
    thresholds: null,
    whenEmpty: 0,
    sources: [SRC.reviewIndicators],
    sql: reviewsOf(`toFloat64(countIf(${ACTIVE}))`),
  },
  {
    id: 'review.active.rate',
    area: 'reviews',
    kind: 'flow',
    unit: 'percent',
    nameZh: '主动参评率',
    nameEn: 'Active review rate',
    definition: {
      zh: '主动评价数量 ÷ 期间内评价总数 (含默认评价, 即已评价办件数) × 100。',
      en: 'Active reviews ÷ all reviews in the period (default reviews included, i.e. reviewed cases) × 100.',
    },
    thresholds: { direction: 'higher-better', good: 50, warn: 30 },
    whenEmpty: null,
    sources: [SRC.reviewIndicators, SRC.reviewFollowUp],
    sql: reviewsOf(percent(`countIf(${ACTIVE})`, 'count()')),
  },
  {
    id: 'review.default.share',
    area: 'reviews',
    kind: 'flow',
    unit: 'percent',
    nameZh: '默认评价占比',
    nameEn: 'Default-review share',
    definition: {
      zh: '期间内系统默认评价 (7个自然日未评价, 默认基本满意) 条数 ÷ 评价总数 × 100。',
      en: 'Default reviews (not rated within 7 natural days, written as 基本满意) ÷ all reviews in the period × 100.',
    },
    thresholds: { direction: 'lower-better', good: 40, warn: 60 },
    whenEmpty: null,
    sources: [SRC.reviewDefault, SRC.reviewFollowUp],
    sql: reviewsOf(percent(`countIf(${IS_DEFAULT})`, 'count()')),
  },
  {
    id: 'review.rectification.on-time.count',
    area: 'reviews',
    kind: 'flow',
    unit: 'count',
    nameZh: '按时整改工单数',
    nameEn: 'Rectifications on time',
    definition: {
      zh: '整改期限落在期间内的差评整改工单中, 在期限前 (含) 完成整改的工单数。',
      en: 'Bad-review rectification orders due in the period that were closed by their deadline (inclusive).',
    },
    thresholds: null,
    whenEmpty: 0,
    sources: [SRC.reviewIndicators, SRC.rectification],
    sql: ordersDue(`toFloat64(countIf(${ON_TIME}))`),
  },
  {
    id: 'review.rectification.on-time.rate',
    area: 'reviews',
    kind: 'flow',
    unit: 'percent',
    nameZh: '差评按时整改率',
    nameEn: 'Bad-review on-time rectification rate',
    definition: {
      zh: '按时整改工单数 ÷ 整改期限落在期间内的整改工单数 × 100; 到期未整改计为未按时。',
      en: 'Rectifications on time ÷ rectification orders due in the period × 100; an order still open at its deadline is late.',
    },
    thresholds: { direction: 'higher-better', good: 100, warn: 90 },
    whenEmpty: null,
    sources: [SRC.reviewIndicators, SRC.rectification],
    sql: ordersDue(percent(`countIf(${ON_TIME})`, 'count()')),
  },
];
