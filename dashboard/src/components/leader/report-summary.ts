import type { IndicatorDescription, IndicatorResult } from '@contracts/indicators.ts';
import type { RankingResponse, TrendResponse } from '@contracts/analytics-rest.ts';
import { formatMinutes, formatValue, LEVEL_RANK } from './format.ts';

/**
 * The few sentences that open the 大厅运行研判报告 (004 常态化监测: "大厅运行
 * 研判报告"): volume, the busiest day, the day with the longest average wait,
 * the busiest window and the indicators at warn or bad. Written here rather
 * than in the locale files because the sentences differ in shape between the
 * languages, not only in words (and vue-i18n's placeholders are kept out of
 * the messages; see locales.test.ts).
 */
export interface SummaryInput {
  hallName: string;
  fromDate: string;
  toDate: string;
  trend: TrendResponse | null;
  ranking: RankingResponse | null;
  catalog: Map<string, IndicatorDescription>;
  values: IndicatorResult[];
}

export function reportSummary(locale: string, x: SummaryInput): string[] {
  const zh = locale !== 'en';
  const pts = x.trend?.points ?? [];
  const taken = pts.reduce((a, p) => a + p.taken, 0);
  const served = pts.reduce((a, p) => a + p.served, 0);
  const busiest = pts.reduce<(typeof pts)[number] | null>((b, p) => (!b || p.taken > b.taken ? p : b), null);
  const slowest = pts
    .filter((p) => p.avgWaitMin !== null)
    .reduce<(typeof pts)[number] | null>((b, p) => (!b || (p.avgWaitMin ?? 0) > (b.avgWaitMin ?? 0) ? p : b), null);
  const topWindow = x.ranking?.rows[0];
  const flagged = x.values
    .filter((v) => v.level === 'bad' || v.level === 'warn')
    .sort((a, b) => LEVEL_RANK[a.level!] - LEVEL_RANK[b.level!]);
  const noData = x.values.filter((v) => v.value === null).length;
  const name = (id: string) => {
    const d = x.catalog.get(id);
    return d ? (zh ? d.nameZh : d.nameEn) : id;
  };
  const out: string[] = [];
  const span =
    x.fromDate === x.toDate ? x.fromDate : zh ? `${x.fromDate} 至 ${x.toDate}` : `${x.fromDate} to ${x.toDate}`;

  if (taken === 0 && served === 0) {
    out.push(
      zh
        ? `${span}，${x.hallName}暂无取号与办结记录。`
        : `From ${span}, ${x.hallName} recorded no tickets taken or served.`,
    );
  } else {
    out.push(
      zh
        ? `${span}，${x.hallName}共取号 ${taken} 个，办结 ${served} 件，办结率 ${taken > 0 ? Math.round((served / taken) * 1000) / 10 : 0}%。`
        : `From ${span}, ${x.hallName} issued ${taken} tickets and served ${served} (${taken > 0 ? Math.round((served / taken) * 1000) / 10 : 0}% of those taken).`,
    );
    if (busiest && pts.length > 1) {
      out.push(
        zh
          ? `取号最多的是 ${busiest.t.slice(0, 10)}（${busiest.taken} 个）。`
          : `The busiest day was ${busiest.t.slice(0, 10)} with ${busiest.taken} tickets.`,
      );
    }
    if (slowest) {
      out.push(
        zh
          ? `平均等候最长的是 ${slowest.t.slice(0, 10)}，平均 ${formatMinutes(slowest.avgWaitMin)} 分钟。`
          : `The longest average wait was on ${slowest.t.slice(0, 10)}: ${formatMinutes(slowest.avgWaitMin)} min.`,
      );
    }
    if (topWindow) {
      const w = topWindow.name.startsWith(`${x.hallName} `)
        ? topWindow.name.slice(x.hallName.length + 1)
        : topWindow.name;
      out.push(
        zh
          ? `办结最多的窗口：${w}（${topWindow.served} 件）。`
          : `Most served at one window: ${w} (${topWindow.served}).`,
      );
    }
  }
  if (flagged.length > 0) {
    const list = flagged.map((v) => `${name(v.id)} ${formatValue(v.value, v.unit)}${v.unit === 'percent' ? '%' : ''}`);
    out.push(
      zh
        ? `需关注的指标 ${flagged.length} 项：${list.join('；')}。`
        : `${flagged.length} indicator${flagged.length > 1 ? 's need' : ' needs'} attention: ${list.join('; ')}.`,
    );
  } else if (x.values.length > 0) {
    out.push(zh ? '所有有数据的指标均处于正常范围。' : 'Every indicator with data is within its thresholds.');
  }
  if (noData > 0) {
    out.push(
      zh
        ? `另有 ${noData} 项指标暂无数据（好差评、预约、办件等功能上线后自动计算）。`
        : `${noData} indicators have no data yet (they fill in once reviews, appointments and cases are recorded).`,
    );
  }
  return out;
}
