import { useCallback, useLayoutEffect, useMemo, useState } from 'preact/hooks';
import { makeClient } from './api.ts';
import { Announcer } from './components/announcer.tsx';
import { Console } from './components/console.tsx';
import { SignIn } from './components/sign-in.tsx';
import { TopBar } from './components/top-bar.tsx';
import {
  applyLanguage,
  initialLanguage,
  LANGUAGES,
  type Lang,
  LanguageContext,
  rememberLanguage,
} from './i18n/index.ts';
import type { Part } from './i18n/parts.ts';
import { forgetToken, savedToken } from './session.ts';

/** Why the sign-in form is shown: a first visit, a sign-out, or a token the API stopped accepting. */
type Notice = { kind: 'signed-out' } | { kind: 'session-ended'; reason: Part } | null;

/** The console: its language, the session (the token), and either sign-in or the servers. */
export function App() {
  const [lang, setLang] = useState<Lang>(initialLanguage);
  const [token, setToken] = useState<string | null>(savedToken);
  const [notice, setNotice] = useState<Notice>(null);
  const language = LANGUAGES[lang];
  const t = language.messages;

  useLayoutEffect(() => applyLanguage(language), [language]);

  // A new client per language, so the API's sentences come back in the language on screen.
  const client = useMemo(() => (token ? makeClient(token, lang) : null), [token, lang]);

  const switchLanguage = (next: Lang) => {
    rememberLanguage(next);
    setLang(next);
  };
  const signOut = () => {
    forgetToken();
    setToken(null);
    setNotice({ kind: 'signed-out' });
  };
  const sessionEnded = useCallback((reason: Part) => {
    forgetToken();
    setToken(null);
    setNotice({ kind: 'session-ended', reason });
  }, []);

  const noticeText =
    notice?.kind === 'signed-out'
      ? t.signedOut
      : notice?.kind === 'session-ended'
        ? t.signedOutBecause(notice.reason)
        : null;

  return (
    <LanguageContext.Provider value={language}>
      <Announcer>
        <TopBar signedIn={client !== null} onSignOut={signOut} onLanguage={switchLanguage} />
        <main class="main">
          {client ? (
            <Console client={client} onSessionEnded={sessionEnded} />
          ) : (
            <SignIn
              notice={noticeText}
              onSignedIn={(value) => {
                setNotice(null);
                setToken(value);
              }}
            />
          )}
        </main>
      </Announcer>
    </LanguageContext.Provider>
  );
}
