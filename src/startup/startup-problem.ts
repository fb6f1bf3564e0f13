/**
 * Errors of the start-up path that carry what is needed to explain them in one line
 * (explainStartupFailure). A leaf file: the database launcher and the start-up code both import it.
 */

/** A situation our own code detected and can state exactly: `message` is the line to print. */
export class StartupProblem extends Error {
  override readonly name = 'StartupProblem';
}

/** initdb or postgres failed; `output` is what the program printed (its last lines). */
export class PostgresFailure extends Error {
  override readonly name = 'PostgresFailure';
  constructor(
    readonly program: 'initdb' | 'postgres',
    readonly output: string,
    readonly exit: { code: number | null; signal: string | null },
  ) {
    super(`${program} exited (${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`})${output ? `: ${lastMessage(output)}` : ''}`);
  }
}

/** The most telling line of PostgreSQL's output: the last FATAL/PANIC/error line, else the last line. */
export function lastMessage(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const telling = lines.filter((l) => /\b(FATAL|PANIC|ERROR):|initdb: error:|^postgres: /.test(l));
  return (telling.at(-1) ?? lines.at(-1) ?? '').replace(/^.*?\b(FATAL|PANIC|ERROR):\s+/, '');
}
