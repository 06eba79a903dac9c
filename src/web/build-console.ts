import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

/** The console's sources: a Preact app, its stylesheet, the page template and its icon. */
export const CONSOLE_DIR = path.join(import.meta.dirname, 'console');
/** Where the page asks for its hashed files; the routes serve them from here. */
export const ASSET_PREFIX = '/assets/';

export interface ConsoleAsset {
  body: Uint8Array;
  contentType: string;
}

export interface ConsoleBundle {
  /** index.html with the hashed names of the script, stylesheet and icon filled in. */
  html: string;
  /** Every file the page may ask for, by its hashed name (no prefix): script, stylesheet, maps, icon. */
  assets: Map<string, ConsoleAsset>;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

function typeOf(file: string): string {
  return TYPES[path.extname(file)] ?? 'application/octet-stream';
}

/** A content hash short enough for a file name; a changed file gets a new name, so it can be cached forever. */
function shortHash(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('base64url').slice(0, 12);
}

/**
 * Bundles the console in memory: minified, with linked source maps and content-hashed names. The
 * script and the stylesheet are separate entry points so the page can link each by its hashed name;
 * the icon is not imported by any code, so it is hashed here the same way.
 */
export async function buildConsole(): Promise<ConsoleBundle> {
  const outdir = path.join(CONSOLE_DIR, 'out');
  const result = await build({
    absWorkingDir: CONSOLE_DIR,
    entryPoints: { app: path.join(CONSOLE_DIR, 'main.tsx'), styles: path.join(CONSOLE_DIR, 'styles.css') },
    tsconfig: path.join(CONSOLE_DIR, 'tsconfig.json'),
    bundle: true,
    minify: true,
    sourcemap: 'linked',
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome100', 'firefox100', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    entryNames: '[name]-[hash]',
    outdir,
    write: false,
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const assets = new Map<string, ConsoleAsset>();
  let script = '';
  let style = '';
  for (const file of result.outputFiles) {
    const name = path.relative(outdir, file.path);
    assets.set(name, { body: file.contents, contentType: typeOf(name) });
    if (name.startsWith('app-') && name.endsWith('.js')) script = name;
    if (name.startsWith('styles-') && name.endsWith('.css')) style = name;
  }
  if (!script || !style) throw new Error('the console bundle has no script or no stylesheet');

  const iconBody = await readFile(path.join(CONSOLE_DIR, 'icon.svg'));
  const icon = `icon-${shortHash(iconBody)}.svg`;
  assets.set(icon, { body: iconBody, contentType: typeOf(icon) });

  const template = await readFile(path.join(CONSOLE_DIR, 'index.html'), 'utf8');
  const html = template
    .replace('%SCRIPT%', `${ASSET_PREFIX}${script}`)
    .replace('%STYLE%', `${ASSET_PREFIX}${style}`)
    .replace('%ICON%', `${ASSET_PREFIX}${icon}`);
  return { html, assets };
}

let bundle: Promise<ConsoleBundle> | undefined;

/**
 * The bundle, built once per process on first use (a process that only serves the API never pays for
 * it). A failed build is forgotten, so the next request tries again instead of failing forever.
 */
export function consoleBundle(): Promise<ConsoleBundle> {
  if (!bundle) {
    bundle = buildConsole();
    bundle.catch(() => {
      bundle = undefined;
    });
  }
  return bundle;
}
