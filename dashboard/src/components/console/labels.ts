/**
 * Small display rules of the window console (docs/console.md), kept out of
 * the components so they read the same everywhere.
 */

/** "5号窗口" in Chinese, "Window 5" in English (vue-i18n messages here take no placeholders). */
export function windowLabel(no: string, locale: string): string {
  return locale === 'zh-CN' ? `${no}号窗口` : `Window ${no}`;
}

/** Ticket class → its locale key under console.cls (keys avoid '-'). */
export function classKey(cls: string): string {
  return ({ 'walk-in': 'walkIn', 'transferred-back': 'transferredBack' } as Record<string, string>)[cls] ?? cls;
}

/**
 * Keyboard shortcuts (F-keys: a tablet with a keyboard, or a USB keypad, hits
 * them without looking; F5 reload and F11/F12 stay the browser's).
 */
export const SHORTCUTS = {
  next: 'F1',
  recall: 'F2',
  skip: 'F3',
  transfer: 'F4',
  start: 'F6',
  complete: 'F8',
  pause: 'F9',
} as const;
export type ConsoleAction = keyof typeof SHORTCUTS;
export const ACTION_OF_KEY: Readonly<Record<string, ConsoleAction>> = Object.fromEntries(
  Object.entries(SHORTCUTS).map(([a, k]) => [k, a as ConsoleAction]),
);

export function hhmm(iso: string): string {
  const d = new Date(iso);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}
