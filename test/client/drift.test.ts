import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { ROOT, tempDir, VPSCTL } from '../helpers/service.ts';

const run = promisify(execFile);
const SCHEMA = path.join(ROOT, 'src/client/schema.ts');
const OPENAPI_TS = path.join(ROOT, 'node_modules/openapi-typescript/bin/cli.js');
const BIOME = path.join(ROOT, 'node_modules/.bin/biome');

/** The steps of `npm run client:generate`, into a temp dir: document, types, biome's formatting. */
async function regenerate(): Promise<string> {
  const dir = await tempDir('vps-client-');
  try {
    const { stdout: document } = await run(process.execPath, [VPSCTL, 'openapi'], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    await writeFile(path.join(dir, 'openapi.json'), document);
    await run(
      process.execPath,
      [OPENAPI_TS, path.join(dir, 'openapi.json'), '-o', path.join(dir, 'schema.ts')],
      {
        cwd: ROOT,
      },
    );
    const generated = await readFile(path.join(dir, 'schema.ts'), 'utf8');
    // Formatted as if it were the committed file, so biome applies the project's settings.
    const child = execFile(BIOME, ['format', `--stdin-file-path=${SCHEMA}`], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    const formatted = new Promise<string>((resolve, reject) => {
      let out = '';
      let err = '';
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
      });
      child.stderr?.on('data', (d: Buffer) => {
        err += d.toString();
      });
      child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`biome format: ${err}`))));
    });
    child.stdin?.end(generated);
    return await formatted;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

it('src/client/schema.ts matches the OpenAPI document the routes make now', async () => {
  const [fresh, committed] = await Promise.all([regenerate(), readFile(SCHEMA, 'utf8')]);
  expect(
    fresh === committed,
    'src/client/schema.ts is out of date with the API: run `npm run client:generate` and commit the result',
  ).toBe(true);
});
