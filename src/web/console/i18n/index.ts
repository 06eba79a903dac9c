import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { en, type Messages } from './en.ts';
import { ps } from './ps.ts';

export type Lang = 'en' | 'ps';

export interface Language {
  lang: Lang;
  /** The locale Intl formats dates and numbers with. */
  locale: string;
  dir: 'ltr' | 'rtl';
  /** The language's name in itself, for the switch. */
  nativeName: string;
  messages: Messages;
}

export const LANGUAGES: Record<Lang, Language> = {
  en: { lang: 'en', locale: 'en', dir: 'ltr', nativeName: 'English', messages: en },
  ps: { lang: 'ps', locale: 'ps-AF', dir: 'rtl', nativeName: 'پښتو', messages: ps },
};

const STORAGE_KEY = 'vps-console-lang';

/** The first of the browser's languages the console speaks (ps, ps-AF → Pashto); English otherwise. */
export function browserLanguage(languages: readonly string[]): Lang {
  for (const tag of languages) {
    const primary = tag.toLowerCase().split('-')[0];
    if (primary === 'ps' || primary === 'en') return primary;
  }
  return 'en';
}

/** The language chosen with the switch on this device, else the browser's. */
export function initialLanguage(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'ps') return saved;
  } catch {
    // Storage can be off (private modes, policies): the browser's languages still decide.
  }
  return browserLanguage(navigator.languages?.length ? navigator.languages : [navigator.language]);
}

export function rememberLanguage(lang: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not remembered, still switched for this page.
  }
}

/** Puts the page itself in the language: lang and dir on <html> make the whole layout mirror. */
export function applyLanguage({ lang, dir, messages }: Language): void {
  document.documentElement.lang = lang;
  document.documentElement.dir = dir;
  document.title = messages.pageTitle;
}

export const LanguageContext = createContext<Language>(LANGUAGES.en);

export function useLanguage(): Language {
  return useContext(LanguageContext);
}

/** The catalogue of the console's current language. */
export function useMessages(): Messages {
  return useContext(LanguageContext).messages;
}
