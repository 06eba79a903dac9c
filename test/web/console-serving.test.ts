/**
 * How the console is served: a page that is always revalidated, hashed files cached for a year, and a
 * CSP on these routes that allows only this origin (API answers keep the CSP that allows nothing).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { consoleBundle } from '../../src/web/build-console.ts';
import { call, type InProcessService, makeAccount, startInProcess } from '../helpers/service.ts';

let service: InProcessService;
let token: string;

beforeAll(async () => {
  service = await startInProcess();
  token = await makeAccount(service, 'serving');
});

afterAll(async () => {
  await service?.stop();
});

const get = (pathname: string, headers: Record<string, string> = {}) =>
  fetch(new URL(pathname, service.url), { headers });

function directives(csp: string): Map<string, string> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => [d.split(/\s+/)[0]!, d.split(/\s+/).slice(1).join(' ')]),
  );
}

test('GET / is the page: no-cache with an ETag, a CSP of its own origin only, no inline script', async () => {
  const page = await get('/');
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(page.headers.get('cache-control')).toBe('no-cache');
  const csp = directives(page.headers.get('content-security-policy') ?? '');
  for (const name of ['script-src', 'style-src', 'connect-src', 'img-src', 'font-src']) {
    expect(csp.get(name), name).toBe("'self'");
  }
  expect(csp.get('default-src')).toBe("'none'");
  expect(csp.get('frame-ancestors')).toBe("'none'");
  expect(page.headers.get('content-security-policy')).not.toContain('unsafe-inline');
  expect(page.headers.get('x-content-type-options')).toBe('nosniff');

  const html = await page.text();
  expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>\s*\S/);
  expect(html).not.toMatch(/\sstyle=/);
  expect(html).not.toMatch(/https?:\/\//i); // nothing from a CDN
  const etag = page.headers.get('etag');
  expect(etag).toMatch(/^"[0-9a-f]{16}"$/);
  const again = await get('/', { 'If-None-Match': etag! });
  expect(again.status).toBe(304);
});

test('every file the page names is served by its hashed name, immutable, with its source map', async () => {
  const html = await (await get('/')).text();
  const files = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  expect(files.map((f) => f.replace(/-[A-Za-z0-9_-]{8,}\./, '-HASH.'))).toEqual([
    '/assets/icon-HASH.svg',
    '/assets/styles-HASH.css',
    '/assets/app-HASH.js',
  ]);
  const types = {
    js: 'text/javascript; charset=utf-8',
    css: 'text/css; charset=utf-8',
    svg: 'image/svg+xml',
  };
  for (const file of files) {
    const answer = await get(file);
    expect(answer.status, file).toBe(200);
    expect(answer.headers.get('cache-control'), file).toBe('public, max-age=31536000, immutable');
    expect(answer.headers.get('content-type'), file).toBe(types[file.split('.').pop() as keyof typeof types]);
    const body = await answer.text();
    const map = /sourceMappingURL=([^\s*]+)/.exec(body)?.[1];
    if (file.endsWith('.svg')) continue;
    expect(map, file).toBeDefined();
    const sourceMap = await get(`/assets/${map}`);
    expect(sourceMap.status).toBe(200);
    const { sources } = (await sourceMap.json()) as { sources: string[] };
    expect(
      sources.some((source) => /(main\.tsx|styles\.css)$/.test(source)),
      sources.join(),
    ).toBe(true);
  }
});

test('a file that is not in the bundle is a JSON 404 that is not cached; no path escapes the bundle', async () => {
  for (const pathname of ['/assets/app-AAAAAAAA.js', '/assets/..%2Fbuild-console.ts', '/assets/index.html']) {
    const answer = await call(service.url, null, 'GET', pathname);
    expect(answer.status, pathname).toBe(404);
    expect(answer.body.code, pathname).toBe('not_found');
    expect(answer.headers.get('cache-control'), pathname).toBe('no-store');
  }
});

test('API answers keep the CSP that allows nothing', async () => {
  const answer = await call(service.url, token, 'GET', '/api/v1/servers/');
  expect(answer.status).toBe(200);
  expect(answer.headers.get('content-security-policy')).toContain("default-src 'none'");
  expect(answer.headers.get('content-security-policy')).not.toContain("script-src 'self'");
});

test('the bundle is built once per process', async () => {
  expect(consoleBundle()).toBe(consoleBundle());
  const bundle = await consoleBundle();
  expect([...bundle.assets.keys()].some((name) => name.endsWith('.js.map'))).toBe(true);
});
