import type { LoggerService, LogLevel } from '@nestjs/common';
import { pino, type Logger as Pino } from 'pino';
import pretty from 'pino-pretty';

/**
 * Logging: one pino logger per process, shared by Fastify (request lines) and Nest (service logs).
 *
 * - `json` (production, tests): one JSON object per line, written asynchronously (pino's
 *   sonic-boom destination with `sync: false`): a request never waits for the terminal or the
 *   log collector. Flushed at exit.
 * - `pretty` (the default under NODE_ENV=development): readable lines through pino-pretty, for a
 *   person at a terminal.
 *
 * `destination` replaces stdout (tests capture the output); the format still applies.
 *
 * Nest's start-up chatter (one "Mapped {/…} route" line per route, module initialisation) is
 * logged at debug level, so LOG_LEVEL=info shows what a person needs to read.
 */
export type LogFormat = 'json' | 'pretty';

export function createRootLogger(opts: { level: string; format: LogFormat; destination?: NodeJS.WritableStream }): Pino {
  const base = { level: opts.level, base: { pid: process.pid } };
  if (opts.format === 'pretty') {
    // To stdout by default (colours on a terminal); `destination` (tests) gets the same lines, uncoloured.
    const to = opts.destination ? { destination: opts.destination, colorize: false } : { colorize: process.stdout.isTTY === true, sync: true };
    return pino(base, pretty({ translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', ...to }));
  }
  if (opts.destination) return pino(base, opts.destination);
  const dest = pino.destination({ dest: 1, sync: false });
  // Lines still buffered when the process exits are written out synchronously.
  process.once('exit', () => {
    try {
      dest.flushSync();
    } catch {
      /* the descriptor may be closed already */
    }
  });
  return pino(base, dest);
}

/** Nest contexts whose `log` lines are start-up detail, kept at debug level. */
const CHATTY_CONTEXTS = new Set(['RoutesResolver', 'RouterExplorer', 'InstanceLoader', 'NestFactory', 'NestApplication']);

type PinoMethod = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Nest's LoggerService over pino. Accepts Nest's call shapes — `log(message, context)`,
 * `error(message, stack, context)` — and pino's — `error({ err }, 'message')` through Nest's
 * Logger, which appends the context as the last argument.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly root: Pino) {}

  log(message: unknown, ...rest: unknown[]): void {
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    this.write(context && CHATTY_CONTEXTS.has(context) ? 'debug' : 'info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }
  setLogLevels(_levels: LogLevel[]): void {
    /* LOG_LEVEL decides */
  }

  private write(level: PinoMethod, message: unknown, rest: unknown[]): void {
    if (!this.root.isLevelEnabled(level)) return;
    const args = [...rest];
    const context = typeof args[args.length - 1] === 'string' ? (args.pop() as string) : undefined;
    if (message !== null && typeof message === 'object' && !(message instanceof Error)) {
      // pino style: (fields, 'text')
      const text = typeof args[0] === 'string' ? (args.shift() as string) : undefined;
      this.root[level]({ ...(message as object), context }, text);
      return;
    }
    if (message instanceof Error) {
      this.root[level]({ err: message, context }, message.message);
      return;
    }
    // Nest style error(message, stack): the stack is the remaining string argument.
    const stack = level === 'error' && typeof args[0] === 'string' ? args[0] : undefined;
    this.root[level](stack ? { context, stack } : { context }, String(message));
  }
}
