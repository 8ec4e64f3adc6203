import { HallError } from '../../../contracts/errors.ts';

/**
 * Service efficiency (服务效能), case efficiency (办件效能) and enterprise
 * service efficiency (涉企服务效能) — seed 001_8e9aa79f8e53624f.txt
 * “好差评”评价结果应用模型 (办件效能模型、服务效能模型、涉企服务效能模型); seed
 * 004_894aaa4ee2cebbc3.txt line 1058 (人员工作量分析), lines 1086–1089
 * (效能监督: 异常监督、实时效能) and line 1188 (“两减” 减时间).
 *
 * Service efficiency, per window or per staff member (the key):
 *   throughput   = Σ standard minutes of the items served / minutes open
 *                  (1.0 = served at the items' standard pace the whole time open;
 *                  normalising by the item's standard time is what makes a
 *                  window of quick certificates comparable with one of
 *                  property transfers)
 *   casesPerHour = cases / minutes open × 60
 *   idleShare    = max(0, minutes open − Σ service minutes) / minutes open
 *
 * Case efficiency (减时间), over concluded cases; limits and time used in the
 * same unit (working days from the case system's calendar, DOMAIN.md "Case flow"):
 *   onPromisedRate     = cases with used ≤ promised / cases
 *   withinLegalRate    = cases with used ≤ legal / cases
 *   savedVsPromised    = Σ (promised − used) / Σ promised     (cases with promised > 0)
 *   savedVsLegal       = Σ (legal − used) / Σ legal           (cases with legal > 0)
 *   promisedCompression = Σ (legal − promised) / Σ legal      (how much the promise cuts the legal limit)
 * Ratios of sums, not means of ratios: a 60-day item counts more than a
 * 1-day one, as the days saved do. Negative savings (overdue) stay negative.
 *
 * Enterprise (涉企): the same with `applicant: 'enterprise'`. Throughput and
 * cases count only the enterprise services, so throughput becomes "standard
 * minutes served to enterprises per minute open"; idle share stays the
 * window's own (computed from every service), because idleness belongs to the
 * window, not to an applicant kind.
 */

export type ApplicantKind = 'person' | 'enterprise';
export type ApplicantFilter = ApplicantKind | 'all';

/** One completed service at a window (start → complete), or `count` of them with the same window, staff, item and applicant. */
export interface ServiceRecord {
  readonly windowId: string;
  readonly staffId: string;
  readonly itemCode: string;
  /** Handling minutes: of the one service, or the total of the `count` services. */
  readonly serviceMin: number;
  readonly applicant: ApplicantKind;
  /**
   * Services this record stands for; default 1. The screens feed the model
   * aggregate rows (analytics/model-inputs.ts), since a city-year is millions
   * of services and the sums are all the model takes from them.
   */
  readonly count?: number;
}

/** Minutes a window was open with a staff member signed in (one row per window × staff span). */
export interface OpenSpan {
  readonly windowId: string;
  readonly staffId: string;
  readonly openMin: number;
}

export interface ServiceEfficiencyOptions {
  readonly by: 'window' | 'staff';
  /** Standard minutes per item code (事项标准办理时长). */
  readonly standardMin: Readonly<Record<string, number>>;
  /** For an item with no standard time; default 8, the queue's default service time (DEFAULT_SERVICE_MIN). */
  readonly fallbackStandardMin?: number;
  readonly applicant?: ApplicantFilter;
}

export interface ServiceEfficiencyRow {
  readonly key: string;
  readonly cases: number;
  readonly serviceMin: number;
  readonly standardMin: number;
  readonly openMin: number;
  /** Null when the key has no open minutes. */
  readonly casesPerHour: number | null;
  readonly throughput: number | null;
  readonly idleShare: number | null;
  /** Cases whose item had no standard time (the fallback was used). */
  readonly missingStandard: number;
}

export const DEFAULT_FALLBACK_STANDARD_MIN = 8;

const keep = (filter: ApplicantFilter, kind: ApplicantKind) => filter === 'all' || filter === kind;

function checkMinutes(name: string, v: number): void {
  if (!Number.isFinite(v) || v < 0) throw new HallError('HALL_ERR_BAD_REQUEST', `${name} must be a finite number ≥ 0`);
}

/** Rows sorted by key (code-unit order, so the same input always gives the same order). */
export function serviceEfficiency(
  services: readonly ServiceRecord[],
  open: readonly OpenSpan[],
  options: ServiceEfficiencyOptions,
): ServiceEfficiencyRow[] {
  const filter = options.applicant ?? 'all';
  const fallback = options.fallbackStandardMin ?? DEFAULT_FALLBACK_STANDARD_MIN;
  checkMinutes('fallbackStandardMin', fallback);
  const keyOf = (r: { windowId: string; staffId: string }) => (options.by === 'window' ? r.windowId : r.staffId);
  interface Acc {
    cases: number;
    serviceMin: number;
    allServiceMin: number;
    standardMin: number;
    openMin: number;
    missing: number;
  }
  const acc = new Map<string, Acc>();
  const get = (key: string) => {
    let a = acc.get(key);
    if (!a) acc.set(key, (a = { cases: 0, serviceMin: 0, allServiceMin: 0, standardMin: 0, openMin: 0, missing: 0 }));
    return a;
  };
  for (const o of open) {
    checkMinutes('openMin', o.openMin);
    get(keyOf(o)).openMin += o.openMin;
  }
  for (const s of services) {
    checkMinutes('serviceMin', s.serviceMin);
    const n = s.count ?? 1;
    if (!Number.isInteger(n) || n < 0) throw new HallError('HALL_ERR_BAD_REQUEST', 'count must be a whole number ≥ 0');
    const a = get(keyOf(s));
    a.allServiceMin += s.serviceMin;
    if (!keep(filter, s.applicant)) continue;
    const std = options.standardMin[s.itemCode];
    if (std === undefined) a.missing += n;
    a.cases += n;
    a.serviceMin += s.serviceMin;
    a.standardMin += (std ?? fallback) * n;
  }
  return [...acc.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, a]) => ({
      key,
      cases: a.cases,
      serviceMin: a.serviceMin,
      standardMin: a.standardMin,
      openMin: a.openMin,
      casesPerHour: a.openMin > 0 ? (a.cases / a.openMin) * 60 : null,
      throughput: a.openMin > 0 ? a.standardMin / a.openMin : null,
      idleShare: a.openMin > 0 ? Math.max(0, a.openMin - a.allServiceMin) / a.openMin : null,
      missingStandard: a.missing,
    }));
}

/** 涉企服务效能: service efficiency of enterprise applicants only. */
export function enterpriseServiceEfficiency(
  services: readonly ServiceRecord[],
  open: readonly OpenSpan[],
  options: Omit<ServiceEfficiencyOptions, 'applicant'>,
): ServiceEfficiencyRow[] {
  return serviceEfficiency(services, open, { ...options, applicant: 'enterprise' });
}

/** A concluded case: time used and its limits in one unit (working days). */
export interface CaseTimes {
  readonly caseId: string;
  readonly itemCode: string;
  readonly applicant: ApplicantKind;
  readonly usedDays: number;
  /** 承诺时限; 0 for an on-the-spot item (即办件). */
  readonly promisedDays: number;
  /** 法定时限. */
  readonly legalDays: number;
}

export interface CaseEfficiency {
  readonly cases: number;
  readonly onPromisedRate: number | null;
  readonly withinLegalRate: number | null;
  readonly overPromised: number;
  readonly savedVsPromised: number | null;
  readonly savedVsLegal: number | null;
  readonly promisedCompression: number | null;
}

export function caseEfficiency(
  cases: readonly CaseTimes[],
  options: { readonly applicant?: ApplicantFilter } = {},
): CaseEfficiency {
  const filter = options.applicant ?? 'all';
  let n = 0,
    onPromised = 0,
    withinLegal = 0;
  let promised = 0,
    savedP = 0,
    legal = 0,
    savedL = 0,
    cut = 0;
  for (const c of cases) {
    if (!keep(filter, c.applicant)) continue;
    checkMinutes('usedDays', c.usedDays);
    checkMinutes('promisedDays', c.promisedDays);
    checkMinutes('legalDays', c.legalDays);
    n++;
    if (c.usedDays <= c.promisedDays) onPromised++;
    if (c.usedDays <= c.legalDays) withinLegal++;
    if (c.promisedDays > 0) {
      promised += c.promisedDays;
      savedP += c.promisedDays - c.usedDays;
    }
    if (c.legalDays > 0) {
      legal += c.legalDays;
      savedL += c.legalDays - c.usedDays;
      cut += c.legalDays - c.promisedDays;
    }
  }
  return {
    cases: n,
    onPromisedRate: n > 0 ? onPromised / n : null,
    withinLegalRate: n > 0 ? withinLegal / n : null,
    overPromised: n - onPromised,
    savedVsPromised: promised > 0 ? savedP / promised : null,
    savedVsLegal: legal > 0 ? savedL / legal : null,
    promisedCompression: legal > 0 ? cut / legal : null,
  };
}

/** 涉企办件效能: case efficiency of enterprise applicants only. */
export function enterpriseCaseEfficiency(cases: readonly CaseTimes[]): CaseEfficiency {
  return caseEfficiency(cases, { applicant: 'enterprise' });
}
