import type { IndicatorDescription, IndicatorLevel, IndicatorUnit } from '@contracts/indicators.ts';
import { themeVar } from '../../styles/theme.ts';

/** Shared look of the leadership screens and the report: one number format, one colour per level. */
export const LEVEL_COLOR: Record<IndicatorLevel, string> = {
  good: themeVar('wall-green'),
  warn: themeVar('wall-amber'),
  bad: themeVar('wall-red'),
};

/** Percentages and minutes keep one decimal (a 0.4-point change matters to a leader); counts are whole. */
export function formatValue(value: number | null | undefined, unit: IndicatorUnit): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const oneDecimal = unit === 'percent' || unit === 'minutes' || unit === 'calls-per-hour';
  return oneDecimal ? (Math.round(value * 10) / 10).toFixed(1) : String(Math.round(value));
}

export function formatMinutes(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : (Math.round(v * 10) / 10).toFixed(1);
}

/** The catalog's name in the current language. */
export function nameOf(d: IndicatorDescription | undefined, id: string, locale: string): string {
  if (!d) return id;
  return locale === 'en' ? d.nameEn : d.nameZh;
}

/** Worst first: bad, then warn. */
export const LEVEL_RANK: Record<IndicatorLevel, number> = { bad: 0, warn: 1, good: 2 };

/** ECharts tooltips are HTML: names typed by administrators are escaped before they go in. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** What the region map colours its areas by. */
export type MapMeasure = 'served' | 'avgWaitMin';

/**
 * "{hall} {window or staff}" as ranking names come (regions-repo namesOf), for a
 * narrow bar label: inside one hall the hall part goes; across halls it keeps its
 * place name only (示范市政务服务中心 → 示范市), so "示范市 12号窗口" still says which.
 */
export function shortKeyName(name: string, hallName?: string | null): string {
  if (hallName && name.startsWith(`${hallName} `)) return name.slice(hallName.length + 1);
  const i = name.indexOf(' ');
  if (i < 0) return name;
  return `${name.slice(0, i).replace(/(政务服务中心|便民服务中心|党群服务中心|服务中心)$/, '')} ${name.slice(i + 1)}`;
}
