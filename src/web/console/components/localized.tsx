import type { ComponentChildren } from 'preact';
import { useLanguage } from '../i18n/index.ts';

/**
 * A value formatted for the language (a date, a size), isolated from its neighbours but in the
 * language's own direction: "۱۲ MB" reads number-then-unit from the right in Pashto, as Intl wrote it.
 */
export function Localized({ children }: { children: ComponentChildren }) {
  return <bdi dir={useLanguage().dir}>{children}</bdi>;
}
