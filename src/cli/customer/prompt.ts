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

/** Like `ask`, but on a terminal the answer is not echoed (for tokens); piped input is read as a line. */
export function askSecret(question: string): Promise<string | null> {
  const stdin = process.stdin;
  if (!stdin.isTTY) return ask(question);
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (answer: string | null | CliExit) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (answer instanceof CliExit) reject(answer);
      else resolve(answer);
    };
    const onData = (data: Buffer) => {
      for (const ch of data.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish(typed.trim());
        if (ch === '\u0003') return finish(new CliExit(130, 'interrupted'));
        if (ch === '\u0004') return finish(typed ? typed.trim() : null);
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}
