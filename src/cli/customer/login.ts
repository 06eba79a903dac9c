import type { Command } from 'commander';
import { configPath, readApiConfig, writeApiConfig } from './config.ts';
import { CliExit } from './exit.ts';
import { ask, askSecret, canAsk } from './prompt.ts';
import { clientFor } from './session.ts';

const DEFAULT_URL = 'http://127.0.0.1:8000';

async function value(
  given: string | undefined,
  question: string,
  fallback?: string,
  secret = false,
): Promise<string> {
  if (given) return given;
  if (!canAsk() && fallback) return fallback;
  const prompt = fallback ? `${question} [${fallback}]: ` : `${question}: `;
  const answer = await (secret ? askSecret(prompt) : ask(prompt));
  const chosen = answer || fallback;
  if (!chosen) throw new CliExit(2, `${question.toLowerCase()} is required (or pass it as an option)`);
  return chosen;
}

export function registerLogin(program: Command): void {
  program
    .command('login')
    .description('check an API token and save it with the API URL for the customer commands')
    .option('--url <url>', 'the API root, e.g. https://api.vps.org')
    .option('--token <token>', 'an API token (vps_…)')
    .action(async (options: { url?: string; token?: string }) => {
      const known = await readApiConfig();
      const url = await value(options.url, 'API URL', process.env.VPS_API_URL || known?.url || DEFAULT_URL);
      const token = await value(options.token, 'API token', process.env.VPS_API_TOKEN || undefined, true);
      const { count } = await clientFor({ url, token }).listServers({ pageSize: 1 });
      const file = configPath();
      await writeApiConfig(file, { url, token });
      process.stdout.write(
        `Logged in to ${url}: the token works (${count} server${count === 1 ? '' : 's'}). Saved to ${file}\n`,
      );
    });
}
