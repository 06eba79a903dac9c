/**
 * `npm run build:web`: the console bundle the service serves, written to dist/web for inspection (sizes,
 * source maps). The service never reads these files; it builds the same bundle in memory.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildConsole } from './build-console.ts';

const out = path.resolve(import.meta.dirname, '../../dist/web');
const bundle = await buildConsole();
await rm(out, { recursive: true, force: true });
await mkdir(path.join(out, 'assets'), { recursive: true });
await writeFile(path.join(out, 'index.html'), bundle.html);
for (const [name, asset] of bundle.assets) {
  await writeFile(path.join(out, 'assets', name), asset.body);
  process.stdout.write(`dist/web/assets/${name}\t${asset.body.byteLength} bytes\n`);
}
process.stdout.write('dist/web/index.html\n');
