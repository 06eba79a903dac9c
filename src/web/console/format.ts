import type { Language } from './i18n/index.ts';
import { plain } from './i18n/parts.ts';

/**
 * Dates and numbers through Intl in the language's locale. Pashto numbers use the Eastern Arabic digits
 * of Afghanistan (`arabext`), and dates the Gregorian calendar, the one the API, vpsctl and the logs
 * write, so a date on screen can be matched with them.
 */
const numberFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(language: Language, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const key = `${language.locale} ${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (!format) {
    const numbering = language.lang === 'ps' ? { numberingSystem: 'arabext' } : {};
    format = new Intl.NumberFormat(language.locale, { ...numbering, ...options });
    numberFormats.set(key, format);
  }
  return format;
}

export function formatNumber(language: Language, value: number): string {
  return numberFormat(language).format(value);
}

export function formatPercent(language: Language, percent: number): string {
  return numberFormat(language, { style: 'percent', maximumFractionDigits: 0 }).format(percent / 100);
}

/** MiB as the API counts them, shown in MB or GB (binary, as disks are sized) with one decimal at most. */
export function formatSize(language: Language, megabytes: number): string {
  const [unit, value] = megabytes >= 1024 ? ['gigabyte', megabytes / 1024] : ['megabyte', megabytes];
  return numberFormat(language, { style: 'unit', unit, maximumFractionDigits: 1 }).format(value);
}

/** Whether this browser's Intl has data for the locale (Chromium ships none for Pashto). */
function hasLocaleData(locale: string): boolean {
  return Intl.DateTimeFormat.supportedLocalesOf([locale]).length > 0;
}

/**
 * A timestamp in the reader's time zone. Where the browser has no date data for the language, Intl still
 * writes the numbers and the clock in the language's digits, and the catalogue gives the month names and
 * their order (CLDR's), rather than the root locale's "2025 M01 15".
 */
export function formatDate(language: Language, iso: string): string {
  const date = new Date(iso);
  const numbering = language.lang === 'ps' ? { numberingSystem: 'arabext' } : {};
  if (hasLocaleData(language.locale)) {
    return new Intl.DateTimeFormat(language.locale, {
      ...numbering,
      calendar: 'gregory',
      dateStyle: 'medium',
      timeStyle: 'short',
    }).format(date);
  }
  // Year and day as plain numbers: asked for as date fields, the root locale pads the day ("04").
  const year = numberFormat(language, { useGrouping: false }).format(date.getFullYear());
  const day = formatNumber(language, date.getDate());
  const clock = new Intl.DateTimeFormat(language.locale, {
    ...numbering,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => clock.find((p) => p.type === type)?.value ?? '';
  const month = language.messages.monthNames[date.getMonth()] ?? '';
  const time = `${part('hour')}:${part('minute')}`;
  return plain(language.messages.dateAt(year, month, day, time));
}
