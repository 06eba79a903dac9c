/**
 * The interactive API reference at /docs in Debian's Chromium: served from the package under its own CSP,
 * and its "Try it out" answers with the caller's data, using the token of the console signed in on the
 * same browser (or the one given under Authorize).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { CONSOLE_TOKEN_KEY } from '../../src/web/console-token.ts';
import { addServer, createSnapshot } from '../api/fixtures/api.ts';
import { type InProcessService, makeAccount, startInProcess } from '../helpers/service.ts';
import { launchChromium, openConsolePage, SCREENSHOTS } from './fixtures/browser.ts';

let service: InProcessService;
let browser: Browser;
let token: string;
let snapshotId: number;

beforeAll(async () => {
  service = await startInProcess();
  token = await makeAccount(service, 'reader');
  const server = await addServer(service, 'reader', { name: 'docs-server' });
  snapshotId = (await createSnapshot(service.url, token, server.id, 'seen-in-docs')).id;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

/** Opens GET /api/v1/snapshots/ in the reference, presses Try it out and Execute; answers the status shown. */
async function tryListSnapshots(page: import('playwright-core').Page): Promise<string> {
  await page.goto(`${service.url}/docs/static/index.html#/snapshots/listSnapshots`);
  const operation = page.locator('#operations-snapshots-listSnapshots');
  await operation.waitFor();
  if ((await operation.locator('.try-out__btn', { hasText: 'Cancel' }).count()) === 0) {
    const tryOut = operation.locator('.try-out__btn');
    if (await tryOut.count()) await tryOut.click();
  }
  await operation.locator('button.execute').click();
  const status = operation.locator('.live-responses-table .response .response-col_status').first();
  await status.waitFor();
  return ((await status.textContent()) ?? '').trim();
}

test('Try it out uses the token of the console signed in on this browser', async () => {
  const { context, page, problems } = await openConsolePage(browser, 'en-US');
  try {
    await page.goto(service.url);
    await page.evaluate(
      ([key, value]) =>
        (
          globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void } }
        ).sessionStorage.setItem(key, value),
      [CONSOLE_TOKEN_KEY, token] as const,
    );
    expect(await tryListSnapshots(page)).toBe('200');
    const body = await page
      .locator('#operations-snapshots-listSnapshots .live-responses-table .response-col_description pre')
      .first()
      .textContent();
    expect(body).toContain('seen-in-docs');
    expect(body).toContain(`"id": ${snapshotId}`);
    await page.screenshot({ path: `${SCREENSHOTS}/docs-try-it-out.png` });
    expect(problems, problems.join('\n')).toEqual([]);
  } finally {
    await context.close();
  }
});

test('without a signed-in console, Try it out is refused until a token is given under Authorize', async () => {
  const { context, page } = await openConsolePage(browser, 'en-US');
  try {
    expect(await tryListSnapshots(page)).toBe('401');
    await page.locator('button.authorize').first().click();
    const dialog = page.locator('.modal-ux');
    await dialog.locator('input[type=text], input[type=password]').first().fill(token);
    await dialog.locator('button.authorize').click();
    await dialog.locator('button.close-modal').click();
    expect(await tryListSnapshots(page)).toBe('200');
  } finally {
    await context.close();
  }
});
