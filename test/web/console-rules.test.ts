/**
 * What the console checks before it calls the API is the API's own rule, and every Pashto string of
 * its catalogue really is Pashto (the type makes a missing one a compile error; this catches an English
 * one left behind).
 */
import { expect, test } from 'vitest';
import { DESCRIPTION_MAX, SNAPSHOT_LIMIT_PER_SERVER, SNAPSHOT_NAME_PATTERN } from '../../src/domain/rules.ts';
import { en } from '../../src/web/console/i18n/en.ts';
import { plain } from '../../src/web/console/i18n/parts.ts';
import { ps } from '../../src/web/console/i18n/ps.ts';
import * as console from '../../src/web/console/validation.ts';

test("the console's snapshot rules are the API's", () => {
  expect(console.SNAPSHOT_NAME.source).toBe(SNAPSHOT_NAME_PATTERN);
  expect(console.DESCRIPTION_MAX).toBe(DESCRIPTION_MAX);
  expect(console.SNAPSHOT_LIMIT).toBe(SNAPSHOT_LIMIT_PER_SERVER);
  for (const good of ['a', 'before-update_2', 'x'.repeat(64)])
    expect(console.nameIsValid(good), good).toBe(true);
  for (const bad of ['', 'bad name', 'x'.repeat(65), 'ünïcode', 'a/b'])
    expect(console.nameIsValid(bad), bad).toBe(false);
});

/** Every sentence of a catalogue as text, functions called with a Latin placeholder for their values. */
function sentences(value: unknown, key: string): [string, string][] {
  if (typeof value === 'string') return [[key, value]];
  if (typeof value === 'function') return [[key, plain(value('X', 'X', 'X', 'X'))]];
  if (Array.isArray(value)) return value.flatMap((item, i) => sentences(item, `${key}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => sentences(v, key ? `${key}.${k}` : k));
  }
  return [];
}

test('every Pashto string is written in Pashto, and says something different from the English', () => {
  const latinOnPurpose = new Set(['brand', 'noSize', 'serverId']);
  const english = new Map(sentences(en, ''));
  const pashto = sentences(ps, '');
  expect(pashto.map(([key]) => key)).toEqual([...english.keys()]);
  for (const [key, text] of pashto) {
    if (latinOnPurpose.has(key)) continue;
    expect(text, key).toMatch(/[\u0600-\u06ff]/);
    expect(text, key).not.toBe(english.get(key));
  }
});
