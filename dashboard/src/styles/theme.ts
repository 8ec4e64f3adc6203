/**
 * A theme token of styles/theme.css as a colour value, for what cannot use
 * `var()`: ECharts draws on a canvas. Read when a chart is drawn (the style
 * sheet is loaded by then), so the charts follow the same tokens as the CSS.
 * `alpha` below 1 gives the token's colour at that opacity.
 */
export function themeColor(token: string, alpha = 1): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(`--${token}`).trim();
  if (alpha >= 1) return value;
  const hex = value.replace('#', '');
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
  const n = Number.parseInt(full, 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** A token for inline styles (`:style`), where the browser resolves `var()` itself. */
export function themeVar(token: string): string {
  return `var(--${token})`;
}
