import { createI18n } from 'vue-i18n';
import zhCN from './locales/zh-CN.ts';
import en from './locales/en.ts';

/** Chinese first: the halls' staff read Chinese; English is for visitors and reviewers. */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export type MessageSchema = typeof zhCN;

const STORAGE_KEY = 'hall.locale';

function isLocale(v: unknown): v is Locale {
  return typeof v === 'string' && (LOCALES as readonly string[]).includes(v);
}

function savedLocale(): Locale {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return isLocale(v) ? v : 'zh-CN';
  } catch {
    return 'zh-CN'; // storage blocked (privacy mode): default, do not fail
  }
}

export const i18n = createI18n<[MessageSchema], Locale, false>({
  legacy: false,
  locale: savedLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
});

/** Switches the language, remembers it across visits and keeps <html lang> and the title in step. */
export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // not persisted; the switch still works for this visit
  }
  syncDocument();
}

export function syncDocument(): void {
  document.documentElement.lang = i18n.global.locale.value;
  document.title = i18n.global.t('app.title');
}

/** Localized text for an error code from the server or the client (errors.* keys); unknown codes fall back. */
export function errorText(code: string | null | undefined): string {
  if (!code) return '';
  const key = `errors.${code}`;
  return i18n.global.te(key, 'zh-CN') ? i18n.global.t(key) : i18n.global.t('errors.UNKNOWN');
}
