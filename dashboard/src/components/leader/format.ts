import type { IndicatorDescription, IndicatorLevel, IndicatorUnit } from '@contracts/indicators.ts';

/** Shared look of the leadership screens and the report: one number format, one colour per level. */
export const LEVEL_COLOR: Record<IndicatorLevel, string> = { good: '#4be39a', warn: '#ffc24d', bad: '#ff5d6c' };

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
