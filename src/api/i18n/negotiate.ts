/** The languages error sentences are written in; English is the default. */
export const LANGUAGES = ['en', 'ps'] as const;
export type Language = (typeof LANGUAGES)[number];

const isLanguage = (tag: string): tag is Language => (LANGUAGES as readonly string[]).includes(tag);

/**
 * The caller's preferred language of ours from an `Accept-Language` header (RFC 9110): highest q-value
 * first, ties in the order given; `ps-AF` is Pashto; `q=0` means "not this"; anything else is English.
 */
export function negotiateLanguage(header: string | string[] | undefined): Language {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  const ranges = text
    .split(',')
    .map((part, index) => {
      const [range = '', ...parameters] = part.trim().split(';');
      const q = parameters
        .find((p) => /^\s*q\s*=/i.test(p))
        ?.split('=')[1]
        ?.trim();
      // A q-value that is not a number from 0 to 1 makes the range mean nothing.
      const weight = q === undefined ? 1 : /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(q) ? Number(q) : 0;
      return {
        primary: range.trim().toLowerCase().split('-')[0] ?? '',
        weight,
        index,
      };
    })
    .filter((range) => range.primary && range.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const { primary } of ranges) {
    if (isLanguage(primary)) return primary;
    if (primary === '*') return 'en';
  }
  return 'en';
}
