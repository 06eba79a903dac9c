import type { Lang } from '../i18n/index.ts';
import { useMessages } from '../i18n/index.ts';
import { LanguageSwitch } from './language-switch.tsx';

interface Props {
  signedIn: boolean;
  onSignOut: () => void;
  onLanguage: (lang: Lang) => void;
}

/** The provider's bar: brand at the start, language and sign-out at the end (mirrored in Pashto). */
export function TopBar({ signedIn, onSignOut, onLanguage }: Props) {
  const t = useMessages();
  return (
    <header class="topbar">
      <div class="topbar-inner">
        <div class="brand">
          <svg class="brand-mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
            <rect width="32" height="32" rx="7" fill="#2563eb" />
            <rect x="7" y="8" width="18" height="6" rx="1.5" fill="#fff" />
            <rect x="7" y="18" width="18" height="6" rx="1.5" fill="#bfdbfe" />
          </svg>
          <span class="brand-name" dir="ltr">
            {t.brand}
          </span>
          <span class="brand-product">{t.product}</span>
        </div>
        <div class="topbar-actions">
          <LanguageSwitch onChange={onLanguage} />
          {signedIn && (
            <button type="button" class="button button-on-dark" onClick={onSignOut}>
              {t.signOut}
            </button>
          )}
        </div>
      </div>
    </header>
  );
}
