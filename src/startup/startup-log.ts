/**
 * The start-up path's own lines (before and around the Nest app's logger): JSON records like pino's
 * with LOG_FORMAT=json (the default outside development), plain text with LOG_FORMAT=pretty. Read from the raw environment so that
 * even an invalid configuration is reported in the right format.
 */
export interface LogRow {
  msg: string;
  fields?: Record<string, unknown>;
}

export interface StartupLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string): void;
  /**
   * The one line that says why the process stops ("could not start: …", "stops: …", printed after
   * "ocop-market "); `detail` (a stack) only for unexpected failures.
   */
  fatal(line: string, detail?: string): void;
  /** Lines that must stand out: a framed block in plain text, one record each (with `fields`) in JSON. */
  block(title: string, rows: LogRow[]): void;
}

export interface StartupLogOptions {
  json: boolean;
  silent: boolean;
  /** Prefix of plain lines, e.g. "[worker 2] ". */
  prefix?: string;
  out?: (text: string) => void;
  err?: (text: string) => void;
}

export function createStartupLog(opts: StartupLogOptions): StartupLog {
  const out = opts.out ?? ((t: string) => process.stdout.write(t));
  const err = opts.err ?? ((t: string) => process.stderr.write(t));
  const prefix = opts.prefix ?? '';
  const record = (level: number, msg: string, fields?: Record<string, unknown>) =>
    `${JSON.stringify({ level, time: Date.now(), pid: process.pid, ...fields, msg })}\n`;
  return {
    info(msg, fields) {
      if (opts.silent) return;
      out(opts.json ? record(30, msg, fields) : `${prefix}${msg}\n`);
    },
    warn(msg) {
      if (opts.silent) return;
      err(opts.json ? record(40, msg) : `${prefix}warning: ${msg}\n`);
    },
    fatal(line, detail) {
      err(opts.json ? record(60, `ocop-market ${line}`, detail ? { stack: detail } : undefined) : `${prefix}ocop-market ${line}\n${detail ? `${detail}\n` : ''}`);
    },
    block(title, rows) {
      if (opts.silent) return;
      if (opts.json) {
        for (const r of rows) out(record(30, `▶ ${r.msg}`, { ...r.fields, banner: title }));
        return;
      }
      const width = Math.max(title.length + 4, ...rows.map((r) => r.msg.length + 2));
      const rule = '─'.repeat(Math.min(width, 120));
      out(`\n┌─ ${title} ${rule.slice(title.length + 3)}\n${rows.map((r) => `│ ${r.msg}\n`).join('')}└${rule}\n\n`);
    },
  };
}

export function startupLogFromEnv(env: NodeJS.ProcessEnv = process.env, prefix?: string): StartupLog {
  const format = env.LOG_FORMAT || ((env.NODE_ENV ?? 'development') === 'development' ? 'pretty' : 'json');
  return createStartupLog({ json: format === 'json', silent: env.LOG_LEVEL === 'silent', prefix });
}
