/**
 * Helmet's headers on API answers (a CSP that allows nothing: JSON is never a page), and a /docs
 * reference whose own CSP still lets it load every script and stylesheet it names, all from here.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { call, type InProcessService, makeAccount, startInProcess } from '../helpers/service.ts';

let service: InProcessService;
let token: string;

beforeAll(async () => {
  service = await startInProcess();
  token = await makeAccount(service, 'headers');
});

afterAll(async () => {
  await service?.stop();
});

function expectSecurityHeaders(headers: Headers, context: string): void {
  expect(headers.get('x-content-type-options'), context).toBe('nosniff');
  expect(headers.get('x-frame-options'), context).toBe('SAMEORIGIN');
  expect(headers.get('strict-transport-security'), context).toMatch(/max-age=\d+/);
  expect(headers.get('referrer-policy'), context).toBe('no-referrer');
  expect(headers.get('cross-origin-opener-policy'), context).toBe('same-origin');
  expect(headers.get('x-powered-by'), context).toBeNull();
}

test('API answers, errors included, carry the security headers and a CSP that allows nothing', async () => {
  const answers = {
    list: await call(service.url, token, 'GET', '/api/v1/snapshots/'),
    unauthenticated: await call(service.url, null, 'GET', '/api/v1/snapshots/'),
    missing: await call(service.url, token, 'GET', '/api/v1/snapshots/999999/'),
    invalid: await call(service.url, token, 'POST', '/api/v1/snapshots/', { name: 'x' }),
    health: await call(service.url, null, 'GET', '/healthz'),
  };
  expect(Object.values(answers).map((a) => a.status)).toEqual([200, 401, 404, 400, 200]);
  for (const [name, answer] of Object.entries(answers)) {
    expectSecurityHeaders(answer.headers, name);
    const csp = answer.headers.get('content-security-policy') ?? '';
    expect(csp, name).toContain("default-src 'none'");
    expect(csp, name).toContain("frame-ancestors 'none'");
  }
});

test('/docs loads: its CSP allows its own scripts and styles, and every one it names is served', async () => {
  const page = await fetch(new URL('/docs', service.url));
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  expectSecurityHeaders(page.headers, 'docs');
  const csp = page.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("style-src 'self'");
  expect(csp).toContain("connect-src 'self'");
  expect(csp).not.toContain("default-src 'none'");
  expect(csp).not.toContain('upgrade-insecure-requests');

  const html = await page.text();
  expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>\s*\S/); // no inline script the CSP would block
  const scripts = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1]!);
  const styles = [...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((m) => m[1]!);
  expect(scripts.length).toBeGreaterThanOrEqual(3);
  expect(styles.length).toBeGreaterThanOrEqual(1);
  for (const src of [...scripts, ...styles]) {
    const asset = new URL(src, page.url);
    expect(asset.origin, src).toBe(new URL(service.url).origin); // 'self'
    const answer = await fetch(asset);
    expect(answer.status, src).toBe(200);
    expect(answer.headers.get('content-type'), src).toMatch(
      src.endsWith('.css') ? /text\/css/ : /javascript/,
    );
    await answer.arrayBuffer();
  }

  // swagger-initializer.js fetches the document at ./json, under the connect-src 'self' of that CSP.
  const document = await fetch(new URL('/docs/json', service.url));
  expect(document.status).toBe(200);
  expect(((await document.json()) as { openapi: string }).openapi).toBe('3.1.0');
});
