/**
 * Requests per token per minute (VPS_RATE_LIMIT_PER_MINUTE): the IETF draft headers on every answer, a
 * JSON 429 with Retry-After past the limit, each token with its own budget, and no limit at all with 0.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { call, type InProcessService, makeAccount, startInProcess } from '../helpers/service.ts';
import { expectErrorBody } from './fixtures/api.ts';

let limited: InProcessService;
let unlimited: InProcessService;

beforeAll(async () => {
  [limited, unlimited] = await Promise.all([
    startInProcess({ VPS_RATE_LIMIT_PER_MINUTE: '5' }),
    startInProcess({ VPS_RATE_LIMIT_PER_MINUTE: '0' }),
  ]);
});

afterAll(async () => {
  await Promise.all([limited?.stop(), unlimited?.stop()]);
});

describe('VPS_RATE_LIMIT_PER_MINUTE=5', () => {
  test('five requests pass with RateLimit-* headers; the 6th is a JSON 429 with Retry-After; another token is unaffected', async () => {
    const first = await makeAccount(limited, 'rate-one');
    const second = await makeAccount(limited, 'rate-two');
    for (let i = 1; i <= 5; i++) {
      const answer = await call(limited.url, first, 'GET', '/api/v1/snapshots/');
      expect(answer.status).toBe(200);
      expect(answer.headers.get('ratelimit-limit')).toBe('5');
      expect(answer.headers.get('ratelimit-remaining')).toBe(String(5 - i));
      expect(Number(answer.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
      expect(Number(answer.headers.get('ratelimit-reset'))).toBeLessThanOrEqual(60);
    }

    const refused = await call(limited.url, first, 'GET', '/api/v1/snapshots/');
    expectErrorBody(refused, 429, 'rate_limited');
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
    expect(refused.headers.get('ratelimit-limit')).toBe('5');
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.body.detail).toBe(`Too many requests; retry in ${retryAfter} seconds.`);

    const pashto = await call(limited.url, first, 'GET', '/api/v1/snapshots/', undefined, {
      'Accept-Language': 'ps',
    });
    expectErrorBody(pashto, 429, 'rate_limited');
    expect(pashto.body.detail).toMatch(/[\u0600-\u06FF]/);

    const other = await call(limited.url, second, 'GET', '/api/v1/snapshots/');
    expect(other.status).toBe(200);
    expect(other.headers.get('ratelimit-remaining')).toBe('4');
  });

  test('requests without a valid token spend their address’s budget and are refused with 401, then 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await call(limited.url, `vps_guess${i}`, 'GET', '/api/v1/snapshots/')).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const token = await makeAccount(limited, 'rate-three');
    expect((await call(limited.url, token, 'GET', '/api/v1/snapshots/')).status).toBe(200);
  });

  test('health, readiness and the OpenAPI document are not limited', async () => {
    for (let i = 0; i < 8; i++) {
      expect((await call(limited.url, null, 'GET', '/healthz')).status).toBe(200);
      expect((await call(limited.url, null, 'GET', '/api/v1/openapi.json')).status).toBe(200);
    }
  });
});

test('VPS_RATE_LIMIT_PER_MINUTE=0 turns the limit off', async () => {
  const token = await makeAccount(unlimited, 'no-limit');
  for (let i = 0; i < 20; i++) {
    const answer = await call(unlimited.url, token, 'GET', '/api/v1/snapshots/');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('ratelimit-limit')).toBeNull();
  }
});
