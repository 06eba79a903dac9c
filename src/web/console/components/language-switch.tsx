import { LANGUAGES, type Lang, useLanguage } from '../i18n/index.ts';

/**
 * The languages by their own names, each in its own language and direction, so a reader who cannot read
 * the current one still finds theirs. The choice is remembered by the caller.
 */
export function LanguageSwitch({ onChange }: { onChange: (lang: Lang) => void }) {
  const { lang, messages: t } = useLanguage();
  return (
    <fieldset class="lang-switch">
      <legend class="visually-hidden">{t.language}</legend>
      {Object.values(LANGUAGES).map((option) => (
        <button
          key={option.lang}
          type="button"
          lang={option.lang}
          dir={option.dir}
          aria-pressed={option.lang === lang}
          onClick={() => onChange(option.lang)}
        >
          {option.nativeName}
        </button>
      ))}
    </fieldset>
  );
}
