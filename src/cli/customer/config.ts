import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Where the customer's API is and the token that acts for them. */
export interface ApiConfig {
  url: string;
  token: string;
}

type Env = Record<string, string | undefined>;

/** `~/.config/vpsctl/config.json`, or VPS_CONFIG. */
export function configPath(env: Env = process.env): string {
  return env.VPS_CONFIG || path.join(os.homedir(), '.config', 'vpsctl', 'config.json');
}

async function readFileConfig(file: string): Promise<Partial<ApiConfig>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not JSON; run \`vpsctl login\` again`);
  }
  const { url, token } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<
    string,
    unknown
  >;
  return {
    ...(typeof url === 'string' ? { url } : {}),
    ...(typeof token === 'string' ? { token } : {}),
  };
}

/** VPS_API_URL and VPS_API_TOKEN first, then the config file; null unless both a URL and a token are known. */
export async function readApiConfig(env: Env = process.env): Promise<ApiConfig | null> {
  const saved = await readFileConfig(configPath(env));
  const url = env.VPS_API_URL || saved.url;
  const token = env.VPS_API_TOKEN || saved.token;
  return url && token ? { url, token } : null;
}

/** Writes the config readable by its owner only (0600), in a directory only they can enter. */
export async function writeApiConfig(file: string, config: ApiConfig): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
}
