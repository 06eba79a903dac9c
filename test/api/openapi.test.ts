import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessService, startInProcess } from '../helpers/service.ts';

let service: InProcessService;

/** OpenAPI puts one example under `example`, several under `examples` as `{name: {value}}`. */
function examplesOf(media: { example?: unknown; examples?: Record<string, { value: unknown }> }): unknown[] {
  if (media.examples) return Object.values(media.examples).map((e) => e.value);
  return media.example === undefined ? [] : [media.example];
}
// biome-ignore lint/suspicious/noExplicitAny: the document is arbitrary JSON, inspected by the assertions
let doc: any;

beforeAll(async () => {
  service = await startInProcess();
  const response = await fetch(`${service.url}/api/v1/openapi.json`);
  expect(response.status).toBe(200);
  doc = await response.json();
});

afterAll(async () => {
  await service.stop();
});

describe('OpenAPI document and API reference', () => {
  it('is OpenAPI 3.1, needs no token, and describes the page’s four endpoints with bearer auth', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(doc.paths['/api/v1/snapshots/'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(doc.paths['/api/v1/snapshots/{snapshot_id}/'])).toEqual(
      expect.arrayContaining(['get', 'delete']),
    );
    expect(Object.keys(doc.paths['/api/v1/snapshots/{snapshot_id}/restore/'])).toEqual(['post']);
    expect(doc.paths['/api/v1/snapshots/'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['server_id', 'page', 'page_size']),
    );
  });

  it('documents the page’s example answers, and each one is valid against the schema it documents', () => {
    const ajv = new Ajv({ strict: false });
    ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    ajv.addFormat('uri', /^https?:\/\//);
    const cases: [string, string, string][] = [
      ['/api/v1/snapshots/', 'get', '200'],
      ['/api/v1/snapshots/', 'post', '201'],
      ['/api/v1/snapshots/{snapshot_id}/restore/', 'post', '200'],
      ['/api/v1/snapshots/', 'post', '400'],
      ['/api/v1/snapshots/{snapshot_id}/', 'delete', '404'],
    ];
    for (const [path, method, status] of cases) {
      const media = doc.paths[path][method].responses[status].content['application/json'];
      const examples = examplesOf(media);
      expect(examples.length, `${method} ${path} ${status}`).toBeGreaterThan(0);
      const validate = ajv.compile(media.schema);
      for (const example of examples) expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    }
    const created = doc.paths['/api/v1/snapshots/'].post.responses['201'].content['application/json'];
    expect(examplesOf(created)[0]).toMatchObject({
      id: 802,
      name: 'before-update-snapshot',
      status: 'in_progress',
      size_mb: null,
      message: 'Snapshot is being created. This may take 3-10 minutes depending on server size.',
    });
  });

  it('serves an interactive reference at /docs from the service itself, with nothing from a CDN', async () => {
    const page = await fetch(`${service.url}/docs/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('swagger-ui');
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(source).not.toMatch(/^(https?:)?\/\//);
    for (const source of sources.filter((s) => /\.(js|css)$/.test(s))) {
      const asset = await fetch(new URL(source, `${service.url}/docs/`));
      expect(asset.status, source).toBe(200);
      // Read to the end: an unread body keeps its response in flight and the service's close waits for it.
      await asset.arrayBuffer();
    }
  });
});
