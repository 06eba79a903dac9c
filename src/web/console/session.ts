/**
 * Where the API token lives in the browser: sessionStorage by default (this tab only, gone when it
 * closes), localStorage only when the customer asks to be remembered on this device. Signing out
 * clears both, so a remembered token never outlives a sign-out.
 */
import { CONSOLE_TOKEN_KEY as KEY } from '../console-token.ts';

function attempt<T>(action: () => T, fallback: T): T {
  try {
    return action();
  } catch {
    // Storage may be disabled by the browser's settings; the console then works for this page only.
    return fallback;
  }
}

export function savedToken(): string | null {
  return attempt(() => sessionStorage.getItem(KEY) ?? localStorage.getItem(KEY), null);
}

export function saveToken(token: string, remember: boolean): void {
  attempt(() => {
    sessionStorage.setItem(KEY, token);
    if (remember) localStorage.setItem(KEY, token);
    else localStorage.removeItem(KEY);
  }, undefined);
}

export function forgetToken(): void {
  attempt(() => {
    sessionStorage.removeItem(KEY);
    localStorage.removeItem(KEY);
  }, undefined);
}
