import { createInterface } from 'node:readline';
import { CliExit } from './exit.ts';

/** Whether someone can answer a question: stdin is a terminal. */
export function canAsk(): boolean {
  return process.stdin.isTTY === true;
}

/** Asks on stderr and reads one line of stdin (null at end of input). */
export function ask(question: string): Promise<string | null> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
  process.stderr.write(question);
  return new Promise((resolve) => {
    let answered = false;
    rl.once('line', (line) => {
      answered = true;
      rl.close();
      resolve(line.trim());
    });
    rl.once('close', () => {
      if (!answered) resolve(null);
    });
  });
}

/** Refuses a destructive command when nobody can confirm it and --yes was not given (exit 2). */
export function requireConfirmable(what: string): void {
  if (!canAsk()) throw new CliExit(2, `${what} needs confirmation and stdin is not a terminal; pass --yes`);
}
