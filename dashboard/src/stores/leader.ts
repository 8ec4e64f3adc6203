import { computed, ref, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import type { IndicatorDescription, IndicatorResult } from '@contracts/indicators.ts';
import type {
  ForecastResponse,
  MapResponse,
  RankingResponse,
  RegionsResponse,
  TrendResponse,
} from '@contracts/analytics-rest.ts';
import type {
  CaseTrendResponse,
  EfficiencyResponse,
  MultipleVisitsResponse,
  ReviewScoresResponse,
} from '@contracts/model-rest.ts';
import { codeOf } from '../api/client.ts';
import * as analytics from '../api/analytics.ts';
import { periodOf, regionChain, type Period, type PeriodPreset } from '../components/leader/period.ts';
import { useAuthStore } from './auth.ts';
import { useHallsStore } from './halls.ts';

/**
 * The leadership screen's data (004 常态化监测;
 * docs/leadership.md): one scope — a region level of the drill-down or one
 * hall — and one period; every panel reads from here. A newer load wins: the
 * answers of a superseded one are dropped, so a fast double click on the map
 * never shows one region's ranking under another's name.
 */

export type { MapResponse };
export type LeaderScope = { kind: 'region'; region?: string } | { kind: 'hall'; hallId: string };
export type RankBy = 'hall' | 'window' | 'staff';
export type EfficiencyBy = 'window' | 'staff';
/** 跑多次 needs room for a return: it always looks at the last 30 days, whatever the period switch says. */
export const VISITS_DAYS = 30;
export interface Crumb {
  label: string;
  region?: string;
  hallId?: string;
}

/** The KPI tiles (004 常态化监测 queue, reviews, cases, devices; docs/indicators.md). */
export const KPI_IDS = [
  'queue.waiting.now',
  'queue.wait.avg',
  'queue.wait.p90',
  'queue.wait.over-30.count',
  'queue.skip.rate',
  'review.satisfaction.rate',
  'case.on-time.rate',
  'device.online.rate',
] as const;

export const useLeaderStore = defineStore('leader', () => {
  const preset = ref<PeriodPreset>('7d');
  const period = shallowRef<Period>(periodOf(preset.value));
  const scope = shallowRef<LeaderScope>({ kind: 'region' });
  const rankBy = ref<RankBy>('hall');

  const catalog = shallowRef<IndicatorDescription[]>([]);
  const values = shallowRef<IndicatorResult[]>([]);
  const regions = shallowRef<RegionsResponse | null>(null);
  const map = shallowRef<MapResponse | null>(null);
  const trend = shallowRef<TrendResponse | null>(null);
  const ranking = shallowRef<RankingResponse | null>(null);
  /** Next hour per hall: pressure forecast and staffing advice (the models, docs/models.md); independent of the period. */
  const forecast = shallowRef<ForecastResponse | null>(null);
  /** The models (docs/models.md "On the screens"): efficiency and review scores follow the period; the case trend is the last 8 weeks and the next 7 days; multiple visits the last 30 days. */
  const efficiency = shallowRef<EfficiencyResponse | null>(null);
  const effBy = ref<EfficiencyBy>('window');
  const effEnterprise = ref(false);
  const caseTrend = shallowRef<CaseTrendResponse | null>(null);
  const reviewScores = shallowRef<ReviewScoresResponse | null>(null);
  const visits = shallowRef<MultipleVisitsResponse | null>(null);
  /** The top of the caller's scope (city for `leader`, district for `east-leader`). */
  const top = shallowRef<RegionsResponse['region'] | undefined>(undefined);
  /** Region names met so far (regions and map answers), for the breadcrumb of a deep link. */
  const names = ref<Record<string, string>>({});

  const loading = ref(false);
  const errorCode = ref<string | null>(null);
  let generation = 0;

  const catalogById = computed(() => new Map(catalog.value.map((d) => [d.id, d])));
  const valueById = computed(() => new Map(values.value.map((v) => [v.id, v])));

  const hallName = computed(() => {
    const s = scope.value;
    return s.kind === 'hall' ? (useHallsStore().byId(s.hallId)?.name ?? s.hallId) : null;
  });

  /** 市 › 区 › 镇 (› 大厅): from the scope's top down to where the user is. */
  const crumbs = computed<Crumb[]>(() => {
    const s = scope.value;
    const topCode = top.value?.code ?? null;
    let code: string | null;
    if (s.kind === 'hall') code = useHallsStore().byId(s.hallId)?.regionCode ?? null;
    else code = s.region ?? topCode;
    const chain = code ? regionChain(code, topCode) : [];
    const out: Crumb[] = chain.map((c) => ({ label: names.value[c] ?? c, region: c }));
    if (out.length === 0 || (topCode && chain[0] !== topCode))
      out.unshift({ label: top.value?.name ?? '', region: undefined });
    if (out[0]) out[0] = { ...out[0], region: undefined }; // the top is #/leader, not #/leader/{code}
    if (s.kind === 'hall') out.push({ label: hallName.value ?? s.hallId, hallId: s.hallId });
    return out.filter((c) => c.label !== '');
  });

  function remember(list: { code?: string; id?: string; name: string }[]): void {
    const next = { ...names.value };
    for (const x of list) next[x.code ?? x.id ?? ''] = x.name;
    names.value = next;
  }

  function fail(err: unknown): void {
    errorCode.value ??= codeOf(err);
  }

  /** Each answer lands as soon as it comes (the screen fills panel by panel), unless a newer load started. */
  async function part<T>(gen: number, p: Promise<T>, set: (v: T) => void): Promise<void> {
    try {
      const v = await p;
      if (gen === generation) set(v);
    } catch (err) {
      if (gen === generation) fail(err);
    }
  }

  /** Whose answers are held: another user signing in on the same tab must not inherit the last one's scope or names. */
  let owner: string | null = null;
  let shownKey = '';
  let mapRegion: string | undefined;
  const sameRegion = (sc: LeaderScope) => sc.kind === 'region' && sc.region === mapRegion;
  function resetFor(user: string | null): void {
    owner = user;
    values.value = [];
    regions.value = null;
    map.value = null;
    trend.value = null;
    ranking.value = null;
    forecast.value = null;
    clearModels();
    top.value = undefined;
    names.value = {};
    shownKey = '';
  }

  function clearModels(): void {
    efficiency.value = null;
    caseTrend.value = null;
    reviewScores.value = null;
    visits.value = null;
  }

  /** The model panels' requests for a scope (region or hall query) and period. */
  function modelJobs(
    gen: number,
    where: { region?: string; hall?: string },
    range: { from: string; to: string },
  ): Promise<void>[] {
    const visitsFrom = new Date(Date.parse(range.to) - VISITS_DAYS * 86_400_000).toISOString();
    return [
      effJob(gen, where, range),
      part(gen, analytics.caseTrend(where), (r) => {
        caseTrend.value = r;
      }),
      part(gen, analytics.reviewScores({ ...where, ...range, by: where.hall ? 'window' : 'hall', limit: 20 }), (r) => {
        reviewScores.value = r;
      }),
      part(gen, analytics.multipleVisits({ ...where, from: visitsFrom, to: range.to, limit: 10 }), (r) => {
        visits.value = r;
      }),
    ];
  }
  function effJob(
    gen: number,
    where: { region?: string; hall?: string },
    range: { from: string; to: string },
  ): Promise<void> {
    return part(
      gen,
      analytics.efficiency({ ...where, ...range, by: effBy.value, enterprise: effEnterprise.value, limit: 20 }),
      (r) => {
        efficiency.value = r;
      },
    );
  }

  async function load(next?: LeaderScope): Promise<void> {
    const user = useAuthStore().user?.username ?? null;
    if (user !== owner) resetFor(user);
    if (next) scope.value = next;
    // "now" moves on: every load (a drill-down, the minute refresh) ends its period at the present.
    period.value = periodOf(preset.value);
    // Another scope or period: drop what is on screen, so a slow answer never shows the last scope's figures under the new name.
    const key = `${JSON.stringify(scope.value)}|${preset.value}|${rankBy.value}`;
    if (key !== shownKey) {
      shownKey = key;
      values.value = [];
      regions.value = null;
      trend.value = null;
      ranking.value = null;
      forecast.value = null;
      clearModels();
      if (!sameRegion(scope.value)) map.value = null; // the map does not depend on the period
    }
    const gen = ++generation;
    const s = scope.value;
    const p = period.value;
    const range = { from: p.from, to: p.to };
    loading.value = true;
    errorCode.value = null;
    const halls = useHallsStore();
    const jobs: Promise<void>[] = [];
    if (catalog.value.length === 0)
      jobs.push(
        part(gen, analytics.indicatorCatalog(), (r) => {
          catalog.value = r;
        }),
      );
    if (!halls.loaded) jobs.push(halls.load());
    if (s.kind === 'region') {
      const region = s.region;
      jobs.push(
        part(gen, analytics.regionIndicators({ region, ...range }), (r) => {
          values.value = r.values;
        }),
        part(gen, analytics.regions({ region, ...range }), (r) => {
          regions.value = r;
          if (r.region) remember([r.region]);
          remember(r.children.filter((c) => c.kind === 'region'));
          if (!region) top.value = r.region;
        }),
        part(gen, analytics.regionMap(region), (r) => {
          map.value = r;
          mapRegion = region;
          remember(r.areas);
        }),
        part(gen, analytics.trend({ region, ...range, bucket: p.bucket }), (r) => {
          trend.value = r;
        }),
        part(gen, analytics.ranking({ region, ...range, by: rankBy.value, limit: 50 }), (r) => {
          ranking.value = r;
        }),
        part(gen, analytics.forecast({ region }), (r) => {
          forecast.value = r;
        }),
        ...modelJobs(gen, { region }, range),
      );
    } else {
      const hall = s.hallId;
      regions.value = null;
      map.value = null;
      jobs.push(
        part(gen, analytics.hallIndicators(hall, range), (r) => {
          values.value = r.values;
        }),
        part(gen, analytics.trend({ hall, ...range, bucket: p.bucket }), (r) => {
          trend.value = r;
        }),
        // Inside one hall the ranking is by window or by staff (人员).
        part(
          gen,
          analytics.ranking({ hall, ...range, by: rankBy.value === 'staff' ? 'staff' : 'window', limit: 50 }),
          (r) => {
            ranking.value = r;
          },
        ),
        part(gen, analytics.forecast({ hall }), (r) => {
          forecast.value = r;
        }),
        ...modelJobs(gen, { hall }, range),
      );
    }
    jobs.push(fillNames(gen, s));
    await Promise.all(jobs);
    if (gen === generation) loading.value = false;
  }

  /** A deep link (#/leader/440902001, #/leader/hall/h-donghu) names every crumb: the top once, then the parents' map areas. */
  async function fillNames(gen: number, s: LeaderScope): Promise<void> {
    try {
      if (top.value === undefined && !(s.kind === 'region' && !s.region)) {
        const r = await analytics.regions({ from: period.value.from, to: period.value.to });
        top.value = r.region;
        if (r.region) remember([r.region]);
      }
      const halls = useHallsStore();
      if (s.kind === 'hall' && !halls.loaded) await halls.load();
      const code = s.kind === 'hall' ? halls.byId(s.hallId)?.regionCode : s.region;
      if (!code) return;
      const chain = regionChain(code, top.value?.code ?? null);
      for (let i = 1; i < chain.length; i++) {
        if (names.value[chain[i]!] !== undefined) continue;
        const parent = chain[i - 1]!;
        const r = await analytics.regionMap(parent === top.value?.code ? undefined : parent);
        remember(r.areas);
      }
    } catch (err) {
      if (gen === generation) fail(err);
    }
  }

  function setPreset(p: PeriodPreset): void {
    preset.value = p;
    void load();
  }

  function setRankBy(by: RankBy): void {
    if (rankBy.value === by) return;
    rankBy.value = by;
    void load();
  }

  /** The efficiency panel's switches reload only that panel. */
  function setEfficiency(by: EfficiencyBy, enterprise: boolean): void {
    if (effBy.value === by && effEnterprise.value === enterprise) return;
    effBy.value = by;
    effEnterprise.value = enterprise;
    efficiency.value = null;
    const s = scope.value;
    void effJob(generation, s.kind === 'hall' ? { hall: s.hallId } : { ...(s.region ? { region: s.region } : {}) }, {
      from: period.value.from,
      to: period.value.to,
    });
  }

  /** Reloads with the period ending now: the screen runs unattended on a wall. */
  function refresh(): void {
    void load();
  }

  return {
    preset,
    period,
    scope,
    rankBy,
    catalog,
    values,
    regions,
    map,
    trend,
    ranking,
    forecast,
    top,
    names,
    loading,
    errorCode,
    efficiency,
    effBy,
    effEnterprise,
    caseTrend,
    reviewScores,
    visits,
    catalogById,
    valueById,
    hallName,
    crumbs,
    load,
    setPreset,
    setRankBy,
    setEfficiency,
    refresh,
  };
});
