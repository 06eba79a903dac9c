import { useState } from 'preact/hooks';
import { errorText, makeClient } from '../api.ts';
import { useLanguage } from '../i18n/index.ts';
import type { Part } from '../i18n/parts.ts';
import { saveToken } from '../session.ts';
import { Alert } from './alert.tsx';

interface Props {
  /** Why the customer is here again (signed out, session ended), shown above the form. */
  notice: Part;
  onSignedIn: (token: string) => void;
}

/**
 * Sign-in with an API token. The token is checked with one real call before it is kept, so a wrong
 * one gets the API's own sentence (in the console's language) instead of an empty console.
 */
export function SignIn({ notice, onSignedIn }: Props) {
  const language = useLanguage();
  const t = language.messages;
  const [token, setToken] = useState('');
  const [remember, setRemember] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Part>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    const value = token.trim();
    if (!value) {
      setError(t.tokenRequired);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await makeClient(value, language.lang).listServers({ pageSize: 1 });
      saveToken(value, remember);
      onSignedIn(value);
    } catch (failure) {
      setError(errorText(failure, t));
      setBusy(false);
    }
  };

  return (
    <section class="signin card" aria-labelledby="signin-title">
      <h1 id="signin-title" class="signin-title">
        {t.signInTitle}
      </h1>
      <p class="muted">{t.signInIntro}</p>
      {notice && <Alert kind="info">{notice}</Alert>}
      <form onSubmit={submit} noValidate>
        <div class="field">
          <label for="token">{t.tokenLabel}</label>
          <input
            id="token"
            name="token"
            type="password"
            dir="ltr"
            autocomplete="off"
            spellcheck={false}
            value={token}
            onInput={(event) => setToken(event.currentTarget.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'token-error token-hint' : 'token-hint'}
            placeholder="vps_…"
          />
          <p class="hint" id="token-hint">
            {t.tokenHint}
          </p>
          {error && (
            <p class="field-error" id="token-error" role="alert">
              {error}
            </p>
          )}
        </div>
        <p class="storage-note" id="token-storage">
          {t.tokenStorage}
        </p>
        <div class="check">
          <input
            id="remember"
            type="checkbox"
            checked={remember}
            onChange={(event) => setRemember(event.currentTarget.checked)}
            aria-describedby="remember-hint"
          />
          <label for="remember">{t.remember}</label>
        </div>
        <p class="hint check-hint" id="remember-hint">
          {t.rememberHint}
        </p>
        <button type="submit" class="button button-primary button-block" disabled={busy}>
          {busy ? t.signingIn : t.signIn}
        </button>
      </form>
    </section>
  );
}
