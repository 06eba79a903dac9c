/**
 * `bin/vpsctl serve` as a child process for the benchmarks: the load generator stays in the bench's own
 * process, so the server's CPU time can be read apart from it (Linux /proc).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { open, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const VPSCTL = path.join(REPO_ROOT, 'bin', 'vpsctl');

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}

export interface Child {
  url: string;
  process: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
}

/** SIGTERM, then SIGKILL if it has not exited within 15 s; resolves once it has exited. */
export function childStop(child: ChildProcess): () => Promise<void> {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
}

export interface ServiceChildOptions {
  dataDir: string;
  /** Names the log file (`service-<tag>.log` in the data dir). */
  tag: string;
  logLevel?: string;
  /** After `serve`, e.g. `--no-worker`. */
  args?: string[];
  env?: Record<string, string>;
  /** Before the script, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
}

/**
 * `bin/vpsctl serve` on a data dir, without a rate limit (a benchmark would measure the limiter), its log
 * in a file as an operator's would be; resolves once /healthz answers.
 */
export async function startServiceChild(options: ServiceChildOptions): Promise<Child> {
  const port = await freePort();
  const logFile = path.join(options.dataDir, `service-${options.tag}.log`);
  const log = await open(logFile, 'w');
  const child = spawn(
    process.execPath,
    [...(options.nodeFlags ?? []), VPSCTL, 'serve', ...(options.args ?? [])],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        VPS_DATA_DIR: options.dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: options.logLevel ?? 'warn',
        VPS_RATE_LIMIT_PER_MINUTE: '0',
        ...options.env,
      },
      stdio: ['ignore', log.fd, log.fd],
    },
  );
  await log.close();
  const url = `http://127.0.0.1:${port}`;
  const stop = childStop(child);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`service exited with ${child.exitCode}:\n${await readFile(logFile, 'utf8')}`);
    }
    const up = await fetch(`${url}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`service did not start:\n${await readFile(logFile, 'utf8')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, process: child, logFile, stop };
}

const CLOCK_TICKS = (() => {
  const answer = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const ticks = Number(answer.stdout?.trim());
  return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
})();

/** utime + stime of a process, all its threads, in seconds (Linux /proc); undefined elsewhere. */
export async function cpuSeconds(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
