/**
 * The provider's reference page, run as written. Its curl, Python `requests` and JavaScript `fetch`
 * examples are cut out of the page text (never retyped), only the host and the token are swapped, and
 * each language runs the page's order — list, create, restore 801, delete 801 — against its own
 * `vpsctl serve --demo` child process on a fresh data dir. Every answer is checked against the page's
 * example responses field by field.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';
import { type ChildService, call, ROOT, startChild, tempDir, waitFor } from '../helpers/service.ts';
import { type Json, TIMESTAMP } from './fixtures/api.ts';

const run = promisify(execFile);

/** A verbatim copy of /work/shared/seed/000_306a72cc9fc98259.txt, kept here so the suite runs alone. */
const PAGE_COPY = path.join(import.meta.dirname, 'fixtures', 'snapshots-api-page.txt');
const PAGE_ORIGINAL = path.resolve(ROOT, '..', 'shared', 'seed', '000_306a72cc9fc98259.txt');
const PAGE = readFileSync(PAGE_COPY, 'utf8');

const PAGE_HOST = 'https://admin.vps.org';
const PAGE_TOKEN = 'YOUR_API_TOKEN';
const REQUEST_HEADING = 'د غوښتنې بېلګه'; // "request example"
const RESPONSE_HEADING = 'د ځواب بېلګه'; // "response example"

type Language = 'curl' | 'python' | 'javascript';
type Endpoint = 'list' | 'create' | 'restore' | 'delete';

interface Snippet {
  language: Language;
  section: number;
  code: string;
}

/** Headings and prose of the page start with Pashto letters; no line of code does. */
const isHeading = (line: string) => /^[\u0600-\u06ff]/.test(line.trim());

function languageAt(lines: string[], index: number): Language | null {
  const line = lines[index] ?? '';
  if (line.startsWith('curl -X')) return 'curl';
  if (line === 'import requests') return 'python';
  if (line.startsWith('const response = await fetch')) return 'javascript';
  return null;
}

/**
 * Splits the page into its code snippets and example responses. A snippet starts at `curl -X`,
 * `import requests` or `const response = await fetch` and ends before the next snippet or heading. The
 * JavaScript restore example declares `const snapshotId = 801;` on the line above its fetch, so the
 * `const … = …;` lines right above a fetch belong to the fetch snippet (they are not Python).
 */
function parsePage(text: string): { snippets: Snippet[]; responses: Map<number, unknown> } {
  const lines = text.split('\n');
  const starts: { index: number; language: Language }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const language = languageAt(lines, i);
    if (!language) continue;
    let index = i;
    if (language === 'javascript') {
      while (index > 0 && /^const \w+ = [^;]*;$/.test(lines[index - 1] ?? '')) index--;
    }
    starts.push({ index, language });
  }
  const sectionOf = (lineIndex: number) =>
    lines.slice(0, lineIndex + 1).filter((line) => line.trim() === REQUEST_HEADING).length - 1;

  const snippets: Snippet[] = [];
  for (const [n, start] of starts.entries()) {
    const limit = starts[n + 1]?.index ?? lines.length;
    let end = start.index + 1;
    while (end < limit && !isHeading(lines[end] ?? '')) end++;
    const code = lines.slice(start.index, end).join('\n').trimEnd();
    snippets.push({ language: start.language, section: sectionOf(start.index), code });
  }

  const responses = new Map<number, unknown>();
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== RESPONSE_HEADING) continue;
    let end = i + 1;
    while (end < lines.length && !isHeading(lines[end] ?? '')) end++;
    responses.set(sectionOf(i), JSON.parse(lines.slice(i + 1, end).join('\n')));
  }
  return { snippets, responses };
}

const { snippets, responses } = parsePage(PAGE);

function endpointOf(section: number): Endpoint {
  const curl = snippets.find((s) => s.section === section && s.language === 'curl')?.code ?? '';
  if (curl.startsWith('curl -X GET')) return 'list';
  if (curl.startsWith('curl -X DELETE')) return 'delete';
  return curl.includes('/restore/') ? 'restore' : 'create';
}

function snippetFor(endpoint: Endpoint, language: Language): Snippet | undefined {
  return snippets.find((s) => endpointOf(s.section) === endpoint && s.language === language);
}

function exampleFor(endpoint: Endpoint): unknown {
  for (const [section, body] of responses) if (endpointOf(section) === endpoint) return body;
  throw new Error(`the page has no example response for ${endpoint}`);
}

/**
 * Fields our answers may add to the page's examples (API.md: progress, failure reason, page links; the
 * action that a create or restore started).
 */
const EXTRA_FIELDS = new Set(['progress', 'failure_reason', 'next', 'previous', 'action_id']);

/**
 * `actual` has the example's shape: the same keys (plus documented extras), the same JSON types, and equal
 * values where the value is deterministic. Timestamps only need the page's format, `size_mb` of a
 * completed snapshot only an integer, and ids listed in `looseIds` (a new snapshot's) only an integer.
 */
function expectLikeExample(actual: unknown, example: unknown, at = '$', looseIds = new Set<string>()): void {
  const key = at.split('.').pop() ?? '';
  if (example === null) {
    expect(actual, at).toBeNull();
  } else if (Array.isArray(example)) {
    expect(Array.isArray(actual), `${at} is an array`).toBe(true);
    const list = actual as unknown[];
    expect(list.length, `${at}.length`).toBe(example.length);
    example.forEach((item, i) => {
      expectLikeExample(list[i], item, `${at}[${i}]`, looseIds);
    });
  } else if (typeof example === 'object') {
    expect(
      actual !== null && typeof actual === 'object' && !Array.isArray(actual),
      `${at} is an object`,
    ).toBe(true);
    const object = actual as Record<string, unknown>;
    const expectedKeys = Object.keys(example);
    const extra = Object.keys(object).filter((k) => !expectedKeys.includes(k) && !EXTRA_FIELDS.has(k));
    expect(extra, `${at} has no keys the page does not show`).toEqual([]);
    for (const k of expectedKeys) {
      expect(Object.hasOwn(object, k), `${at}.${k} is present`).toBe(true);
      expectLikeExample(object[k], (example as Record<string, unknown>)[k], `${at}.${k}`, looseIds);
    }
  } else if (key === 'created_at') {
    expect(typeof actual, at).toBe('string');
    expect(actual, at).toMatch(TIMESTAMP);
  } else if (key === 'size_mb' || looseIds.has(at)) {
    expect(Number.isInteger(actual), `${at} is an integer (got ${JSON.stringify(actual)})`).toBe(true);
    expect(actual as number, at).toBeGreaterThan(0);
  } else {
    expect(typeof actual, `${at} type`).toBe(typeof example);
    expect(actual, at).toEqual(example);
  }
}

/** The documented extras, where an answer carries them, have their documented types. */
function expectExtras(snapshot: Json): void {
  if ('progress' in snapshot) {
    expect(Number.isInteger(snapshot.progress)).toBe(true);
    if (snapshot.status === 'completed') expect(snapshot.progress).toBe(100);
  }
  if ('failure_reason' in snapshot && snapshot.status !== 'failed')
    expect(snapshot.failure_reason).toBeNull();
}

const MARK_JSON = '@@ANSWER-JSON@@';
const MARK_STATUS = '@@ANSWER-STATUS@@';

interface Ran {
  stdout: string;
  /** What the snippet itself printed (the markers' lines removed). */
  printed: string;
  /** The parsed body; for Python and JavaScript from an extra line appended after the unchanged snippet. */
  json: unknown;
  status: number | null;
}

function localise(code: string, child: ChildService, token: string): string {
  return code.replaceAll(PAGE_HOST, child.url).replaceAll(PAGE_TOKEN, token);
}

async function runSnippet(snippet: Snippet, child: ChildService, token: string, dir: string): Promise<Ran> {
  const code = localise(snippet.code, child, token);
  expect(code).not.toContain(PAGE_HOST);
  expect(code).not.toContain(PAGE_TOKEN);
  let stdout: string;
  const options = { cwd: dir, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 };
  if (snippet.language === 'curl') {
    ({ stdout } = await run('bash', ['-c', code], options));
  } else if (snippet.language === 'python') {
    const extra = [
      'import json as _page_json',
      ...(code.includes('print(response.json())')
        ? [`print(${JSON.stringify(MARK_JSON)} + _page_json.dumps(response.json()))`]
        : []),
      `print(${JSON.stringify(MARK_STATUS)} + str(response.status_code))`,
    ];
    const file = path.join(dir, `snippet-${Date.now()}-${Math.random().toString(36).slice(2)}.py`);
    await writeFile(file, `${code}\n\n${extra.join('\n')}\n`);
    ({ stdout } = await run('python3', [file], options));
  } else {
    const variable = /const (\w+) = await response\.json\(\);/.exec(code)?.[1];
    const extra = [
      ...(variable ? [`console.log(${JSON.stringify(MARK_JSON)} + JSON.stringify(${variable}));`] : []),
      `console.log(${JSON.stringify(MARK_STATUS)} + response.status);`,
    ];
    const file = path.join(dir, `snippet-${Date.now()}-${Math.random().toString(36).slice(2)}.mjs`);
    await writeFile(file, `${code}\n\n${extra.join('\n')}\n`);
    ({ stdout } = await run(process.execPath, [file], options));
  }
  const lines = stdout.split('\n');
  const jsonLine = lines.find((line) => line.startsWith(MARK_JSON));
  const statusLine = lines.find((line) => line.startsWith(MARK_STATUS));
  const printed = lines
    .filter((line) => !line.startsWith(MARK_JSON) && !line.startsWith(MARK_STATUS))
    .join('\n')
    .trim();
  let json: unknown;
  if (snippet.language === 'curl') json = printed === '' ? undefined : JSON.parse(printed);
  else json = jsonLine === undefined ? undefined : JSON.parse(jsonLine.slice(MARK_JSON.length));
  return {
    stdout,
    printed,
    json,
    status: statusLine === undefined ? null : Number(statusLine.slice(MARK_STATUS.length)),
  };
}

describe('the page parses into its examples', () => {
  test('the fixture is the provider page, byte for byte', () => {
    if (existsSync(PAGE_ORIGINAL)) expect(PAGE).toBe(readFileSync(PAGE_ORIGINAL, 'utf8'));
    expect(PAGE).toContain('/api/v1/snapshots/{snapshot_id}/restore/');
  });

  test('four endpoints: list, create, restore, delete, with curl / Python / JavaScript examples', () => {
    const sections = [...new Set(snippets.map((s) => s.section))];
    expect(sections.map(endpointOf)).toEqual(['list', 'create', 'restore', 'delete']);
    expect(sections.map((n) => snippets.filter((s) => s.section === n).map((s) => s.language))).toEqual([
      ['curl', 'python', 'javascript'],
      ['curl', 'python', 'javascript'],
      ['curl', 'python', 'javascript'],
      ['curl', 'python'],
    ]);
    expect([...responses.keys()].map(endpointOf)).toEqual(['list', 'create', 'restore']);
    for (const snippet of snippets) {
      expect(snippet.code).toContain(PAGE_HOST);
      expect(snippet.code).toContain(PAGE_TOKEN);
      expect(snippet.code).not.toMatch(/[\u0600-\u06ff]/);
    }
    expect(snippetFor('restore', 'javascript')?.code.startsWith('const snapshotId = 801;')).toBe(true);
    expect(snippetFor('restore', 'python')?.code).not.toContain('const ');
  });
});

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function demoChild(): Promise<{ child: ChildService; token: string; dir: string }> {
  const dataDir = await tempDir('vps-api-page-');
  const scratch = await tempDir('vps-api-page-snippets-');
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  cleanups.push(() => rm(scratch, { recursive: true, force: true }));
  const child = await startChild(dataDir, ['--demo']);
  cleanups.push(() => child.stop());
  const token = await waitFor('the demo token on stdout', async () => {
    return /Demo API token \(shown once\): (vps_\S+)/.exec(child.output())?.[1];
  });
  return { child, token, dir: scratch };
}

/**
 * The page's order for a group of languages sharing one fresh demo service: every list example (each sees
 * the page's two snapshots), every create example, every restore of 801 (waiting for the server to leave
 * `restoring` in between, as a client would), then the delete of 801. A service has one 801 to delete, so
 * curl and JavaScript (which has no delete example) share one service and Python gets its own.
 */
async function pageFlow(languages: Language[]): Promise<void> {
  if (languages.includes('python')) {
    // The page's Python examples need `requests` (Debian: python3-requests; the CI script installs it).
    await run('python3', ['-c', 'import requests']);
  }
  const { child, token, dir } = await demoChild();

  // GET /api/v1/snapshots/?server_id=12345
  for (const language of languages) {
    const list = await runSnippet(snippetFor('list', language)!, child, token, dir);
    expect(list.printed.length, `${language}: the snippet prints the answer`).toBeGreaterThan(0);
    if (list.status !== null) expect(list.status).toBe(200);
    expectLikeExample(list.json, exampleFor('list'));
    const body = list.json as Json;
    for (const item of body.results) {
      expect(item.status).toBe('completed');
      expectExtras(item);
    }
    if ('next' in body) expect(body.next).toBeNull();
    if ('previous' in body) expect(body.previous).toBeNull();
  }

  // POST /api/v1/snapshots/
  const createdIds: number[] = [];
  for (const language of languages) {
    const created = await runSnippet(snippetFor('create', language)!, child, token, dir);
    expect(created.printed.length, `${language}: the snippet prints the answer`).toBeGreaterThan(0);
    if (created.status !== null) expect(created.status).toBe(201);
    expectLikeExample(created.json, exampleFor('create'), '$', new Set(['$.id']));
    const snapshot = created.json as Json;
    expect([798, 801, ...createdIds]).not.toContain(snapshot.id);
    expectExtras(snapshot);
    expect(Number.isInteger(snapshot.action_id), 'a create names the action that takes it').toBe(true);
    createdIds.unshift(snapshot.id);
    const fetched = await call(child.url, token, 'GET', `/api/v1/snapshots/${snapshot.id}/`);
    expect(fetched.status).toBe(200);
    expect(fetched.body.name).toBe('before-update-snapshot');
    expect(fetched.body.description).toBe('Snapshot before system update');
    const after = await call(child.url, token, 'GET', '/api/v1/snapshots/?server_id=12345');
    expect(after.body.count).toBe(2 + createdIds.length);
    expect(after.body.results.map((s: Json) => s.id)).toEqual([...createdIds, 801, 798]);
  }

  // POST /api/v1/snapshots/801/restore/
  for (const language of languages) {
    const restored = await runSnippet(snippetFor('restore', language)!, child, token, dir);
    expect(restored.printed.length, `${language}: the snippet prints the answer`).toBeGreaterThan(0);
    if (restored.status !== null) expect(restored.status).toBe(200);
    expectLikeExample(restored.json, exampleFor('restore'));
    expect(Number.isInteger((restored.json as Json).action_id), 'a restore names its action').toBe(true);
    const server = await waitFor('server 12345 to finish restoring', async () => {
      const answer = await call(child.url, token, 'GET', '/api/v1/servers/12345/');
      expect(answer.status).toBe(200);
      return answer.body.status === 'restoring' ? null : answer.body;
    });
    expect(server.status, 'the server returns to the power state it had').toBe('running');
  }

  // DELETE /api/v1/snapshots/801/ (the page has no JavaScript example for it)
  const language = languages.find((l) => snippetFor('delete', l));
  expect(language).toBeDefined();
  const deleted = await runSnippet(snippetFor('delete', language!)!, child, token, dir);
  if (language === 'python') expect(deleted.printed, 'the Python example prints the status code').toBe('204');
  else expect(deleted.stdout, 'curl prints the empty 204 body').toBe('');
  if (deleted.status !== null) expect(deleted.status).toBe(204);
  const gone = await call(child.url, token, 'GET', '/api/v1/snapshots/801/');
  expect(gone.status).toBe(404);
  const left = await call(child.url, token, 'GET', '/api/v1/snapshots/?server_id=12345');
  expect(left.body.results.map((s: Json) => s.id)).toEqual([...createdIds, 798]);
  expect(left.body.count).toBe(createdIds.length + 1);
}

describe.concurrent('the page examples, as written, against `vpsctl serve --demo`', () => {
  test('curl and JavaScript: list, create, restore 801, delete 801 answer like the page', async () => {
    await pageFlow(['curl', 'javascript']);
  });

  test('Python requests: list, create, restore 801, delete 801 answer like the page', async () => {
    await pageFlow(['python']);
  });
});
