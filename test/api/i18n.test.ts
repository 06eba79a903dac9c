/**
 * Error sentences in the caller's language: `Accept-Language: ps` (or `ps-AF`, or Pashto preferred by
 * q-value) answers in Pashto, anything else in English; the machine `code` is the same in both.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { negotiateLanguage } from '../../src/api/i18n/index.ts';
import {
  type ApiAnswer,
  call,
  type InProcessService,
  makeAccount,
  startInProcess,
} from '../helpers/service.ts';
import { addServer, expectErrorBody, MiB } from './fixtures/api.ts';

let service: InProcessService;
let token: string;
let fullServer: number;

const PASHTO = /[\u0600-\u06FF]/;
const LATIN_WORDS = /[A-Za-z]{4,}/g;

beforeAll(async () => {
  service = await startInProcess();
  token = await makeAccount(service, 'i18n');
  const server = await addServer(service, 'i18n', { sizeBytes: 2 * MiB, dataBytes: 256 * 1024 });
  fullServer = server.id;
  for (let i = 0; i < 5; i++) {
    const created = await call(service.url, token, 'POST', '/api/v1/snapshots/', {
      server_id: fullServer,
      name: `full-${i}`,
    });
    expect(created.status).toBe(201);
  }
});

afterAll(async () => {
  await service?.stop();
});

const inLanguage = (language: string | undefined): Record<string, string> =>
  language === undefined ? {} : { 'Accept-Language': language };

type Case = {
  name: string;
  status: number;
  code: string;
  ask: (lang: string | undefined) => Promise<ApiAnswer>;
};

const cases: Case[] = [
  {
    name: '404 snapshot_not_found',
    status: 404,
    code: 'snapshot_not_found',
    ask: (lang) => call(service.url, token, 'GET', '/api/v1/snapshots/987654/', undefined, inLanguage(lang)),
  },
  {
    name: '400 snapshot_limit_reached',
    status: 400,
    code: 'snapshot_limit_reached',
    ask: (lang) =>
      call(
        service.url,
        token,
        'POST',
        '/api/v1/snapshots/',
        { server_id: fullServer, name: 'one-too-many' },
        inLanguage(lang),
      ),
  },
  {
    name: '401 not_authenticated',
    status: 401,
    code: 'not_authenticated',
    ask: (lang) =>
      call(service.url, 'vps_not-a-real-token', 'GET', '/api/v1/snapshots/', undefined, inLanguage(lang)),
  },
  {
    name: '400 invalid_request with field messages',
    status: 400,
    code: 'invalid_request',
    ask: (lang) =>
      call(
        service.url,
        token,
        'POST',
        '/api/v1/snapshots/',
        { server_id: 'twelve', name: 'bad name!' },
        inLanguage(lang),
      ),
  },
];

describe.each(cases)('$name', ({ status, code, ask }) => {
  test('English by default and for other languages; Pashto for ps, ps-AF and a preferred ps; same code', async () => {
    const english = await ask(undefined);
    expectErrorBody(english, status, code);
    expect(english.body.detail).not.toMatch(PASHTO);
    expect(english.headers.get('content-language')).toBe('en');
    for (const other of ['fr', 'en-US', 'ps;q=0, en', 'de, en;q=0.5']) {
      const answer = await ask(other);
      expect(answer.body, other).toEqual(english.body);
    }

    for (const pashto of ['ps', 'ps-AF', 'en;q=0.5, ps', 'fr;q=0.9, ps-AF;q=0.95, en;q=0.1']) {
      const answer = await ask(pashto);
      expectErrorBody(answer, status, code);
      expect(answer.body.code, pashto).toBe(english.body.code);
      expect(answer.body.detail, pashto).toMatch(PASHTO);
      expect(answer.body.detail, pashto).not.toBe(english.body.detail);
      expect(answer.headers.get('content-language'), pashto).toBe('ps');
      // Every number of the English sentence (ids, limits) is in the Pashto one, in Latin digits.
      for (const number of String(english.body.detail).match(/\d+/g) ?? []) {
        expect(answer.body.detail, pashto).toContain(number);
      }
      if (english.body.errors) {
        expect(Object.keys(answer.body.errors).sort()).toEqual(Object.keys(english.body.errors).sort());
        for (const messages of Object.values(answer.body.errors) as string[][]) {
          for (const message of messages) {
            expect(message).toMatch(PASHTO);
            expect(message.match(LATIN_WORDS) ?? [], message).not.toContain('Must');
          }
        }
      }
    }
  });
});

test('the field messages say the same things in both languages', async () => {
  const english = await cases[3]!.ask('en');
  const pashto = await cases[3]!.ask('ps');
  expect(english.body.errors).toEqual({
    server_id: ['Must be an integer.'],
    name: ['Must be 1-64 characters of letters, digits, hyphens and underscores.'],
  });
  expect(pashto.body.errors).toEqual({
    server_id: ['باید صحیح عدد وي.'],
    name: ['باید له 1 تر 64 پورې توري وي: لاتین توري، شمېرې، هایفن (-) او انډر سکور (_).'],
  });
  expect(pashto.body.detail).toBe('په غوښتنه کې ناسمې پیرامیټرې شته.');
});

test('negotiation: q-values order the choice, ties keep the header order, q=0 refuses', () => {
  expect(negotiateLanguage(undefined)).toBe('en');
  expect(negotiateLanguage('')).toBe('en');
  expect(negotiateLanguage('ps')).toBe('ps');
  expect(negotiateLanguage('PS-af')).toBe('ps');
  expect(negotiateLanguage('en;q=0.5, ps')).toBe('ps');
  expect(negotiateLanguage('en, ps')).toBe('en');
  expect(negotiateLanguage('ps;q=0.4, en;q=0.6')).toBe('en');
  expect(negotiateLanguage('fa, ps;q=0.8')).toBe('ps');
  expect(negotiateLanguage('ps;q=0')).toBe('en');
  expect(negotiateLanguage('*')).toBe('en');
  expect(negotiateLanguage('ps;q=nonsense, en;q=0.1')).toBe('en');
});
