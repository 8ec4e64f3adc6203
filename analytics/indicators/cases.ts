import { SRC } from './sources.ts';
import { IN_HALLS, IN_PERIOD, dataMs, percent, type IndicatorDefinition } from './types.ts';

/**
 * Case indicators (办件时效, 办件数据汇聚时效). They consume `case.concluded`
 * and `case.uploaded`, defined in contracts/indicators.ts and emitted when
 * the case flow lands. Due times arrive computed (working-day calendar, 补正
 * stops), so the SQL only compares instants.
 */

const concludedIn = (value: string): string => `SELECT ${value} AS value
FROM events
WHERE ${IN_HALLS} AND ${IN_PERIOD} AND type = 'case.concluded'`;
const CONCLUDED_MS = 'toUnixTimestamp64Milli(at)';

/**
 * 超过5个自然日上传 (004 数据类指标 (2)好差评): upload more than 5 × 24 h after
 * conclusion. Exactly 5 days is not late. Counted over the uploads of the
 * period: a case not uploaded yet appears when it is.
 */
const LATE_UPLOAD = `${dataMs('uploadedAt')} - ${dataMs('concludedAt')} > 5 * 86400000`;
const uploadedIn = (value: string): string => `SELECT ${value} AS value
FROM events
WHERE ${IN_HALLS} AND ${IN_PERIOD} AND type = 'case.uploaded'`;

export const caseIndicators: readonly IndicatorDefinition[] = [
  {
    id: 'case.on-time.rate',
    area: 'cases',
    kind: 'flow',
    unit: 'percent',
    nameZh: '按时办结率',
    nameEn: 'Case on-time rate',
    definition: {
      zh: '期间内办结的办件中, 在承诺时限 (含) 内办结的比例 × 100。',
      en: 'Of the cases concluded in the period, the share concluded by the promised due time (inclusive) × 100.',
    },
    thresholds: { direction: 'higher-better', good: 99, warn: 95 },
    whenEmpty: null,
    sources: [SRC.caseDeadline, SRC.domainCases, SRC.resultModels],
    sql: concludedIn(percent(`countIf(${CONCLUDED_MS} <= ${dataMs('promisedDueAt')})`, 'count()')),
  },
  {
    id: 'case.overdue.rate',
    area: 'cases',
    kind: 'flow',
    unit: 'percent',
    nameZh: '超期办结率',
    nameEn: 'Case overdue rate',
    definition: {
      zh: '期间内办结的办件中, 超过承诺时限办结的比例 × 100 (与按时办结率互补)。',
      en: 'Of the cases concluded in the period, the share concluded after the promised due time × 100 (the complement of the on-time rate).',
    },
    thresholds: { direction: 'lower-better', good: 1, warn: 5 },
    whenEmpty: null,
    sources: [SRC.caseDeadline, SRC.domainCases],
    sql: concludedIn(percent(`countIf(${CONCLUDED_MS} > ${dataMs('promisedDueAt')})`, 'count()')),
  },
  {
    id: 'case.legal-overdue.rate',
    area: 'cases',
    kind: 'flow',
    unit: 'percent',
    nameZh: '超法定时限办结率',
    nameEn: 'Cases beyond the legal limit',
    definition: {
      zh: '期间内办结的办件中, 超过法定时限办结的比例 × 100 (评价标签 110 “无理由超过法定办理时间”)。',
      en: 'Of the cases concluded in the period, the share concluded after the legal due time × 100 (review tag 110).',
    },
    thresholds: { direction: 'lower-better', good: 0, warn: 1 },
    whenEmpty: null,
    sources: [SRC.domainCases, SRC.twoReductions],
    sql: concludedIn(percent(`countIf(${CONCLUDED_MS} > ${dataMs('legalDueAt')})`, 'count()')),
  },
  {
    id: 'case.upload.late.count',
    area: 'cases',
    kind: 'flow',
    unit: 'count',
    nameZh: '超过5个自然日上传的办件数据量',
    nameEn: 'Cases uploaded over 5 days late',
    definition: {
      zh: '期间内上传省平台的办件中, 上传时间晚于办结时间超过5个自然日 (5×24小时) 的件数。',
      en: 'Cases uploaded to the provincial platform in the period more than 5 natural days (5 × 24 h) after conclusion.',
    },
    thresholds: null,
    whenEmpty: 0,
    sources: [SRC.reviewIndicators, SRC.reviewFollowUp],
    sql: uploadedIn(`toFloat64(countIf(${LATE_UPLOAD}))`),
  },
  {
    id: 'case.upload.late.rate',
    area: 'cases',
    kind: 'flow',
    unit: 'percent',
    nameZh: '办件数据超时率',
    nameEn: 'Case data timeout rate',
    definition: {
      zh: '超过5个自然日上传的办件数据量 ÷ 期间内上传的办件数 × 100。',
      en: 'Cases uploaded over 5 days late ÷ cases uploaded in the period × 100.',
    },
    thresholds: { direction: 'lower-better', good: 1, warn: 5 },
    whenEmpty: null,
    sources: [SRC.reviewIndicators, SRC.reviewFollowUp],
    sql: uploadedIn(percent(`countIf(${LATE_UPLOAD})`, 'count()')),
  },
];
