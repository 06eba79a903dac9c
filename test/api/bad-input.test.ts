/**
 * A battery of bad inputs. Each must be answered by a 4xx with the contract's JSON error body
 * (`{detail, code}`, plus `errors` naming the field when a field was wrong) — never a 5xx, never HTML,
 * never a stack trace — and must change nothing: the full snapshot and server lists are compared with
 * the ones taken before, after every single request.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  type ApiAnswer,
  call,
  type InProcessService,
  makeAccount,
  startInProcess,
} from '../helpers/service.ts';
import { addServer, createSnapshot, expectErrorBody, type Json, settledSnapshot } from './fixtures/api.ts';

let service: InProcessService;
let url: string;
let token: string;
let serverId: number;
let snapshotId: number;
let baseline: { snapshots: Json; servers: Json };

async function state() {
  return {
    snapshots: (await call(url, token, 'GET', '/api/v1/snapshots/')).body,
    servers: (await call(url, token, 'GET', '/api/v1/servers/')).body,
  };
}

beforeAll(async () => {
  service = await startInProcess();
  url = service.url;
  token = await makeAccount(service, 'prober');
  const server = await addServer(service, 'prober', { name: 'probe-target' });
  serverId = server.id;
  snapshotId = (await createSnapshot(url, token, serverId, 'probe-snap', 'the one snapshot')).id;
  await settledSnapshot(url, token, snapshotId);
  baseline = await state();
  expect(baseline.snapshots.count).toBe(1);
  expect(baseline.servers.count).toBe(1);
});

afterAll(async () => {
  await service?.stop();
});

interface Case {
  method?: string;
  path?: string;
  /** A raw body: text sent as is, or bytes. */
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  /** The status, or the 4xx statuses that are all acceptable. */
  status: number | number[];
  code?: string | string[];
  /** Fields `errors` must name. */
  fields?: string[];
}

async function send(c: Case): Promise<ApiAnswer> {
  const response = await fetch(new URL(c.path ?? '/api/v1/snapshots/', url), {
    method: c.method ?? 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, ...c.headers },
    ...(c.body === undefined ? {} : { body: c.body }),
  });
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  return { status: response.status, headers: response.headers, body, text };
}

async function expectRejected(c: Case): Promise<ApiAnswer> {
  const answer = await send(c);
  const after = await undoChanges();
  const statuses = Array.isArray(c.status) ? c.status : [c.status];
  expect(statuses, `${answer.status} ${answer.text.slice(0, 300)}`).toContain(answer.status);
  expectErrorBody(answer, answer.status);
  if (c.code !== undefined) {
    expect(Array.isArray(c.code) ? c.code : [c.code], answer.text.slice(0, 300)).toContain(answer.body.code);
  }
  if (c.fields && answer.body.code === 'invalid_request')
    expectErrorBody(answer, answer.status, undefined, c.fields);
  expect(after, 'nothing changed').toEqual(baseline);
  return answer;
}

/**
 * The lists as they are now. When they differ from the baseline, what the bad request made is undone
 * (new snapshots deleted, power states put back) before the caller fails the test, so that the next case
 * starts from the baseline again.
 */
async function undoChanges() {
  const now = await state();
  if (JSON.stringify(now) === JSON.stringify(baseline)) return now;
  const known = new Set(baseline.snapshots.results.map((s: { id: number }) => s.id));
  for (const snapshot of now.snapshots.results) {
    if (!known.has(snapshot.id)) await call(url, token, 'DELETE', `/api/v1/snapshots/${snapshot.id}/`);
  }
  for (const server of baseline.servers.results) {
    const action = server.status === 'running' ? 'start' : 'stop';
    await call(url, token, 'POST', `/api/v1/servers/${server.id}/${action}/`);
  }
  return now;
}

const json = (value: unknown) => JSON.stringify(value);
const create = (fields: Record<string, unknown>) => json({ server_id: 0, name: 'probe', ...fields });
/** A case: the body (built when the test runs, once the server exists) and the fields it gets wrong. */
const invalid = (fields: string[], body: () => string): [() => string, string[]] => [body, fields];

describe('POST /api/v1/snapshots/ bodies that are not a JSON object', () => {
  const cases: [string, string, string, string[]?][] = [
    ['malformed JSON (truncated)', '{"server_id": 12345,', 'malformed_json'],
    ['malformed JSON (single quotes)', "{'server_id': 12345, 'name': 'x'}", 'malformed_json'],
    ['malformed JSON (trailing comma)', '{"server_id": 12345, "name": "x",}', 'malformed_json'],
    ['malformed JSON (NaN)', '{"server_id": NaN, "name": "x"}', 'malformed_json'],
    ['malformed JSON (two documents)', '{"name": "x"}{"name": "y"}', 'malformed_json'],
    ['malformed JSON (garbage)', 'server_id=12345&name=x', 'malformed_json'],
    ['a JSON array', '[]', 'invalid_request', ['body']],
    ['a JSON array holding the object', '[{"server_id": 12345, "name": "x"}]', 'invalid_request', ['body']],
    ['a JSON string', '"hello"', 'invalid_request', ['body']],
    ['JSON null', 'null', 'invalid_request', ['body']],
    ['a JSON number', '42', 'invalid_request', ['body']],
    ['JSON true', 'true', 'invalid_request', ['body']],
    [
      'an object with __proto__',
      '{"server_id": 1, "name": "x", "__proto__": {"admin": true}}',
      'malformed_json',
    ],
    [
      'an object with constructor.prototype',
      '{"name": "x", "constructor": {"prototype": {"a": 1}}}',
      'malformed_json',
    ],
  ];
  test.each(cases)('%s → 400 %s', async (_, body, code, fields) => {
    await expectRejected({ body, status: 400, code, ...(fields ? { fields } : {}) });
  });

  test('an empty body on create → 400, naming the missing fields', async () => {
    const answer = await expectRejected({
      body: '',
      status: 400,
      code: ['invalid_request', 'malformed_json'],
    });
    if (answer.body.code === 'invalid_request') expect(Object.keys(answer.body.errors)).not.toHaveLength(0);
  });

  test('deeply nested arrays → 400', async () => {
    const depth = 20_000;
    const body = `{"server_id": ${'['.repeat(depth)}${']'.repeat(depth)}, "name": "x"}`;
    await expectRejected({
      body,
      status: 400,
      code: ['invalid_request', 'malformed_json'],
      fields: ['server_id'],
    });
  });
});

describe('POST /api/v1/snapshots/ with wrong fields → 400 invalid_request naming them', () => {
  const cases: [string, [() => string, string[]]][] = [
    [
      'server_id as the string "12345"',
      invalid(['server_id'], () => create({ server_id: String(serverId) })),
    ],
    ['server_id as a float 1.5', invalid(['server_id'], () => create({ server_id: 1.5 }))],
    ['server_id as a bool', invalid(['server_id'], () => create({ server_id: true }))],
    ['server_id null', invalid(['server_id'], () => create({ server_id: null }))],
    ['server_id in an array', invalid(['server_id'], () => create({ server_id: [serverId] }))],
    ['server_id as an object', invalid(['server_id'], () => create({ server_id: { id: serverId } }))],
    ['server_id 1e400', invalid(['server_id'], () => `{"server_id": 1e400, "name": "probe"}`)],
    ['server_id -1', invalid(['server_id'], () => create({ server_id: -1 }))],
    ['server_id 0', invalid(['server_id'], () => create({ server_id: 0 }))],
    ['server_id 2**53', invalid(['server_id'], () => create({ server_id: 2 ** 53 }))],
    ['server_id 99999999999', invalid(['server_id'], () => create({ server_id: 99999999999 }))],
    ['server_id -1e400', invalid(['server_id'], () => `{"server_id": -1e400, "name": "probe"}`)],
    ['name as a number', invalid(['name'], () => create({ server_id: serverId, name: 123 }))],
    ['name null', invalid(['name'], () => create({ server_id: serverId, name: null }))],
    ['name as an array', invalid(['name'], () => create({ server_id: serverId, name: ['probe'] }))],
    [
      'description as a number',
      invalid(['description'], () => create({ server_id: serverId, description: 5 })),
    ],
    [
      'description as an object',
      invalid(['description'], () => create({ server_id: serverId, description: {} })),
    ],
    ['no fields at all', invalid(['server_id', 'name'], () => '{}')],
    ['no server_id', invalid(['server_id'], () => json({ name: 'probe' }))],
    ['no name', invalid(['name'], () => json({ server_id: serverId }))],
    ['both wrong', invalid(['server_id', 'name'], () => json({ server_id: 'x', name: 'a b' }))],
  ];
  test.each(cases)('%s', async (_, [body, fields]) => {
    const answer = await expectRejected({ body: body(), status: 400, code: 'invalid_request', fields });
    expect(Object.keys(answer.body.errors).sort()).toEqual([...fields].sort());
  });
});

describe('POST /api/v1/snapshots/ with a bad name → 400 invalid_request naming `name`', () => {
  const names: [string, string][] = [
    ['65 characters', 'a'.repeat(65)],
    ['empty', ''],
    ['a space', 'before update'],
    ['a leading space', ' snap'],
    ['a slash', 'a/b'],
    ['a path', '../../etc/passwd'],
    ['a backslash', 'a\\b'],
    ['a dot', 'snap.1'],
    ['unicode letters', 'café'],
    ['Pashto letters', 'سنیپ'],
    ['Arabic-Indic digits', 'snap١٢'],
    ['full-width letters', 'ｓｎａｐ'],
    ['an emoji', 'snap😀'],
    ['an RTL mark', 'snap\u200f'],
    ['an RTL override', '\u202esnap'],
    ['a zero-width joiner', 'sn\u200dap'],
    ['a zero-width space', 'sn\u200bap'],
    ['a NUL', 'snap\u0000'],
    ['a trailing newline', 'snap\n'],
    ['a tab', 'snap\t1'],
    ['HTML', '<script>alert(1)</script>'],
  ];
  test.each(names)('%s', async (_, name) => {
    const answer = await expectRejected({
      body: json({ server_id: serverId, name }),
      status: 400,
      code: 'invalid_request',
      fields: ['name'],
    });
    expect(Object.keys(answer.body.errors)).toEqual(['name']);
  });

  test('a lone surrogate in the name (raw JSON "\\ud800")', async () => {
    await expectRejected({
      body: `{"server_id": ${serverId}, "name": "snap\\ud800"}`,
      status: 400,
      code: 'invalid_request',
      fields: ['name'],
    });
  });
});

describe('POST /api/v1/snapshots/ with a bad description → 400 invalid_request naming `description`', () => {
  const raw: [string, () => string][] = [
    ['501 characters', () => create({ server_id: serverId, description: 'd'.repeat(501) })],
    [
      'a lone high surrogate (raw "\\ud800")',
      () => `{"server_id": ${serverId}, "name": "probe", "description": "\\ud800"}`,
    ],
    [
      'a lone low surrogate (raw "\\udc00")',
      () => `{"server_id": ${serverId}, "name": "probe", "description": "x\\udc00y"}`,
    ],
    ['a BEL control character', () => create({ server_id: serverId, description: 'ring\u0007' })],
    ['an ANSI escape sequence', () => create({ server_id: serverId, description: '\u001b[2Jcleared' })],
    ['a NUL', () => create({ server_id: serverId, description: 'nul\u0000byte' })],
    ['a DEL', () => create({ server_id: serverId, description: 'del\u007f' })],
    ['a vertical tab', () => create({ server_id: serverId, description: 'a\u000bb' })],
  ];
  test.each(raw)('%s', async (_, body) => {
    const answer = await expectRejected({
      body: body(),
      status: 400,
      code: 'invalid_request',
      fields: ['description'],
    });
    expect(Object.keys(answer.body.errors)).toEqual(['description']);
  });

  test('bytes that are not UTF-8 in the description → 400', async () => {
    const head = Buffer.from(`{"server_id": ${serverId}, "name": "probe", "description": "bad `);
    const body = new Uint8Array(Buffer.concat([head, Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]));
    await expectRejected({
      body,
      status: 400,
      code: ['malformed_json', 'invalid_request'],
      fields: ['description'],
    });
  });
});

describe('bodies of the wrong size or type', () => {
  test('a 1 MiB body → 413 payload_too_large', async () => {
    const body = create({ server_id: serverId, description: 'x'.repeat(1024 * 1024) });
    await expectRejected({ body, status: 413, code: 'payload_too_large' });
  });

  const types: [string][] = [
    ['text/plain'],
    ['text/plain; charset=utf-8'],
    ['application/x-www-form-urlencoded'],
    ['multipart/form-data; boundary=x'],
    ['application/xml'],
  ];
  test.each(types)('Content-Type %s → 415 unsupported_media_type', async (type) => {
    await expectRejected({
      body: create({ server_id: serverId }),
      headers: { 'Content-Type': type },
      status: 415,
      code: 'unsupported_media_type',
    });
  });
});

describe('GET /api/v1/snapshots/ with bad query parameters → 400 naming the parameter', () => {
  const cases: [string, string][] = [
    ['server_id=abc', 'server_id'],
    ['server_id=-5', 'server_id'],
    ['server_id=0', 'server_id'],
    ['server_id=1.5', 'server_id'],
    ['server_id=1e3', 'server_id'],
    ['server_id=0x10', 'server_id'],
    ['server_id=12abc', 'server_id'],
    ['server_id=9999999999999', 'server_id'],
    ['page=0', 'page'],
    ['page=-1', 'page'],
    ['page=abc', 'page'],
    ['page_size=0', 'page_size'],
    ['page_size=100000', 'page_size'],
    ['page_size=501', 'page_size'],
    ['page_size=abc', 'page_size'],
  ];
  test.each(cases)('?%s', async (query, field) => {
    const answer = await expectRejected({
      method: 'GET',
      path: `/api/v1/snapshots/?${query}`,
      status: 400,
      code: 'invalid_request',
      fields: [field],
    });
    expect(Object.keys(answer.body.errors)).toEqual([field]);
  });

  test('?page=0 and ?page_size=100000 on GET /servers/ too', async () => {
    for (const [query, field] of [
      ['page=0', 'page'],
      ['page_size=100000', 'page_size'],
    ] as const) {
      await expectRejected({
        method: 'GET',
        path: `/api/v1/servers/?${query}`,
        status: 400,
        code: 'invalid_request',
        fields: [field],
      });
    }
  });
});

describe('bad ids in the path', () => {
  const ids: [string, string][] = [
    ['abc', 'abc'],
    ['-1', '-1'],
    ['0', '0'],
    ['1.5', '1.5'],
    ['1e3', '1e3'],
    ['99999999999999999999', '99999999999999999999'],
    ['%00', '%00'],
    ['%20', '%20'],
    ['..%2F..', '..%2F..'],
  ];
  const snapshotRoutes = (id: string) => [
    { method: 'GET', path: `/api/v1/snapshots/${id}/` },
    { method: 'DELETE', path: `/api/v1/snapshots/${id}/` },
    { method: 'POST', path: `/api/v1/snapshots/${id}/restore/` },
  ];
  const serverRoutes = (id: string) => [
    { method: 'GET', path: `/api/v1/servers/${id}/` },
    { method: 'POST', path: `/api/v1/servers/${id}/stop/` },
    { method: 'POST', path: `/api/v1/servers/${id}/start/` },
  ];

  test.each(ids)('snapshot_id %s → 4xx JSON on GET, DELETE and restore', async (_, id) => {
    for (const route of snapshotRoutes(id)) {
      const answer = await expectRejected({ ...route, status: [400, 404], fields: ['snapshot_id'] });
      if (answer.status === 400)
        expect(answer.body.code, `${route.method} ${route.path}`).toBe('invalid_request');
    }
  });

  test.each(ids)('server_id %s → 4xx JSON on GET, stop and start', async (_, id) => {
    for (const route of serverRoutes(id)) {
      const answer = await expectRejected({ ...route, status: [400, 404], fields: ['server_id'] });
      if (answer.status === 400)
        expect(answer.body.code, `${route.method} ${route.path}`).toBe('invalid_request');
    }
  });

  test('plain malformed ids are 400 invalid_request naming the id, not a 404', async () => {
    for (const id of ['abc', '-1', '1.5', '99999999999999999999', '%00']) {
      await expectRejected({
        method: 'GET',
        path: `/api/v1/snapshots/${id}/`,
        status: 400,
        code: 'invalid_request',
        fields: ['snapshot_id'],
      });
      await expectRejected({
        method: 'GET',
        path: `/api/v1/servers/${id}/`,
        status: 400,
        code: 'invalid_request',
        fields: ['server_id'],
      });
    }
  });

  test('a malformed percent-encoding in the path → 400 JSON', async () => {
    for (const path of ['/api/v1/snapshots/%zz/', '/api/v1/snapshots/%E0%A4%A/', '/api/v1/servers/%/']) {
      await expectRejected({ method: 'GET', path, status: [400, 404] });
    }
  });

  test('an overlong path → 4xx JSON', async () => {
    for (const path of [
      `/api/v1/snapshots/${'9'.repeat(5000)}/`,
      `/api/v1/snapshots/${'a'.repeat(5000)}/restore/`,
      `/api/v1/${'x/'.repeat(3000)}`,
    ]) {
      await expectRejected({ method: 'GET', path, status: [400, 404, 414] });
    }
  });
});

describe('unknown routes → 404 JSON', () => {
  // GET / is the web console's page (test/web); every other path outside the API is still a JSON 404.
  const routes: [string, string][] = [
    ['POST', '/'],
    ['GET', '/api/v1/'],
    ['GET', '/api/v1/nope/'],
    ['GET', '/api/v2/snapshots/'],
    ['GET', '/api/v1/snapshot/'],
    ['GET', '/api/v1/snapshots/1/nope/'],
    ['GET', '/api/v1/snapshots/1/restore/'],
    ['PUT', '/api/v1/snapshots/1/'],
    ['PATCH', '/api/v1/snapshots/1/'],
    ['POST', '/api/v1/snapshots/1/'],
    ['DELETE', '/api/v1/snapshots/'],
    ['DELETE', '/api/v1/servers/1/'],
    ['GET', '/api/v1/servers/1/stop/'],
    ['OPTIONS', '/api/v1/snapshots/'],
    ['GET', '/index.html'],
    ['GET', '/.env'],
  ];
  test.each(routes)('%s %s', async (method, path) => {
    await expectRejected({ method, path, status: [404, 405], code: ['not_found', 'method_not_allowed'] });
  });

  test('an Accept: text/html client still gets JSON errors', async () => {
    await expectRejected({
      method: 'GET',
      path: '/api/v1/nope/',
      headers: { Accept: 'text/html' },
      status: 404,
      code: 'not_found',
    });
    await expectRejected({
      method: 'GET',
      path: '/api/v1/snapshots/abc/',
      headers: { Accept: 'text/html' },
      status: 400,
      code: 'invalid_request',
    });
  });
});

describe('other spellings of an existing id are rejected, not resolved to it', () => {
  test('DELETE / GET / restore /snapshots/{1e0, 0x…, +…, " …"}/ of a real snapshot → 400, and it survives', async () => {
    const extra = await createSnapshot(url, token, serverId, 'spelled');
    await settledSnapshot(url, token, extra.id);
    baseline = await state();
    try {
      const id: number = extra.id;
      for (const spelling of [`${id}e0`, `0x${id.toString(16)}`, `+${id}`, `%20${id}`]) {
        for (const [method, path] of [
          ['DELETE', `/api/v1/snapshots/${spelling}/`],
          ['GET', `/api/v1/snapshots/${spelling}/`],
          ['POST', `/api/v1/snapshots/${spelling}/restore/`],
        ] as const) {
          await expectRejected({
            method,
            path,
            status: 400,
            code: 'invalid_request',
            fields: ['snapshot_id'],
          });
        }
      }
    } finally {
      baseline = await state();
    }
  });

  test('POST /servers/{1e0, 0x…}/stop/ of a real server → 400, and it keeps running', async () => {
    for (const spelling of [`${serverId}e0`, `0x${serverId.toString(16)}`, `+${serverId}`]) {
      for (const [method, path] of [
        ['POST', `/api/v1/servers/${spelling}/stop/`],
        ['GET', `/api/v1/servers/${spelling}/`],
      ] as const) {
        await expectRejected({ method, path, status: 400, code: 'invalid_request', fields: ['server_id'] });
      }
    }
  });
});

describe('unusual but valid input is accepted (after the battery: these change the lists)', () => {
  test('a 64-character description in Pashto → 201, stored as sent', async () => {
    const pashto = 'د سنیپ شاټ لپاره اختیاري توضیحات، ستاسو د سرور بشپړ حالت نیسي. ';
    const description = pashto.repeat(2).slice(0, 64);
    expect(description).toHaveLength(64);
    const created = await createSnapshot(url, token, serverId, 'pashto-description', description);
    expect(created.description).toBe(description);
    const fetched = await call(url, token, 'GET', `/api/v1/snapshots/${created.id}/`);
    expect(fetched.body.description).toBe(description);
  });

  test('a 64-character name, and a 500-character description with tabs, newlines and emoji → 201', async () => {
    const name = `${'A-_9'.repeat(16)}`;
    expect(name).toHaveLength(64);
    const description = `line one\n\tline two 😀 ${'x'.repeat(500)}`.slice(0, 500);
    const created = await createSnapshot(url, token, serverId, name, description);
    expect(created.name).toBe(name);
    expect(created.description).toBe(description);
    const list = await call(url, token, 'GET', `/api/v1/snapshots/?server_id=${serverId}`);
    expect(list.body.count).toBe(baseline.snapshots.count + 2);
  });
});
