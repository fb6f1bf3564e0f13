import { Logger } from '@nestjs/common';
import { Writable } from 'node:stream';
import { loadConfig } from '../config/config.js';
import { createRootLogger, PinoNestLogger } from './logging.js';
import { isJsonLine } from '../../test/harness/logs.js';

/** A stream that keeps what it is given; `settled()` waits for pino-pretty's pipeline to deliver. */
function sink() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const text = () => chunks.join('');
  const lines = () => text().split('\n').filter((l) => l.trim() !== '');
  const settled = async () => {
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  };
  return { stream, text, lines, settled };
}

const ROUTE_MAPPED = 'Mapped {/cooperatives/:id/bank-feeds, POST} route';

describe('log format and level (LOG_FORMAT, LOG_LEVEL)', () => {
  it('development defaults to pretty, elsewhere to json; LOG_FORMAT overrides', () => {
    const base = { DATA_DIR: '/tmp/ocop-unused', SEED_DEMO: 'false' };
    expect(loadConfig({ ...base, NODE_ENV: 'development' }).logFormat).toBe('pretty');
    expect(loadConfig({ ...base, NODE_ENV: 'test' }).logFormat).toBe('json');
    expect(loadConfig({ ...base, NODE_ENV: 'development', LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(loadConfig({ ...base, NODE_ENV: 'test', LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
  });

  it('pretty: readable lines (time, level name, message, fields), not JSON', async () => {
    const out = sink();
    const log = createRootLogger({ level: 'info', format: 'pretty', destination: out.stream });
    log.info({ reqId: 'r-1', res: { statusCode: 201 } }, 'request completed');
    log.warn('bank feed call refused');
    log.debug('not at info');
    await out.settled();
    const lines = out.lines();
    expect(lines[0]).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: request completed$/);
    expect(out.text()).toMatch(/\n\s+reqId: "r-1"\n/);
    expect(lines.some((l) => /^\[[\d:.]+\] WARN: bank feed call refused$/.test(l))).toBe(true);
    expect(out.text()).not.toContain('not at info');
    expect(lines.filter(isJsonLine)).toEqual([]);
    // No colour codes when the lines do not go to a terminal.
    expect(out.text()).not.toContain('\u001b[');
  });

  it('json: one JSON object per line, with the level number and the message', async () => {
    const out = sink();
    const log = createRootLogger({ level: 'info', format: 'json', destination: out.stream });
    log.info({ reqId: 'r-2' }, 'request completed');
    await out.settled();
    const lines = out.lines();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 30, msg: 'request completed', reqId: 'r-2', pid: process.pid });
  });
});

describe('PinoNestLogger (Nest over pino)', () => {
  const nestOver = (level: string) => {
    const out = sink();
    return { out, nest: new PinoNestLogger(createRootLogger({ level, format: 'json', destination: out.stream })) };
  };
  const records = async (out: ReturnType<typeof sink>) => {
    await out.settled();
    return out.lines().map((l) => JSON.parse(l) as { level: number; msg: string; context?: string });
  };

  it("keeps Nest's start-up chatter (route mapping, module initialisation) at debug: absent at info", async () => {
    const { out, nest } = nestOver('info');
    nest.log(ROUTE_MAPPED, 'RouterExplorer');
    nest.log('BankFeedsController {/}:', 'RoutesResolver');
    nest.log('AppModule dependencies initialized', 'InstanceLoader');
    nest.log('Nest application successfully started', 'NestApplication');
    nest.log('bank-feed secrets: created encryption key file', 'BankFeeds');
    expect(await records(out)).toEqual([expect.objectContaining({ level: 30, msg: 'bank-feed secrets: created encryption key file', context: 'BankFeeds' })]);
  });

  it('shows the chatter at debug, as debug records with their context', async () => {
    const { out, nest } = nestOver('debug');
    nest.log(ROUTE_MAPPED, 'RouterExplorer');
    nest.log('an ordinary line', 'BankFeeds');
    expect(await records(out)).toEqual([
      expect.objectContaining({ level: 20, msg: ROUTE_MAPPED, context: 'RouterExplorer' }),
      expect.objectContaining({ level: 30, msg: 'an ordinary line', context: 'BankFeeds' }),
    ]);
  });

  it("takes Nest's Logger calls (the context appended, Nest's error(message, stack)) and pino's (fields, text)", async () => {
    const { out, nest } = nestOver('trace');
    Logger.overrideLogger(nest);
    try {
      // As RouterExplorer logs: a Logger with a context and options, log(message) alone.
      new Logger('RouterExplorer', { timestamp: true }).log(ROUTE_MAPPED);
      new Logger('BankFeeds').warn({ feedId: 'f-1', reason: 'signature mismatch' }, 'bank feed call refused');
      nest.error('it broke', 'Error: it broke\n    at here', 'Errors');
      nest.verbose('fine detail', 'Jobs');
    } finally {
      Logger.overrideLogger(false);
    }
    const got = await records(out);
    expect(got).toEqual([
      expect.objectContaining({ level: 20, msg: ROUTE_MAPPED, context: 'RouterExplorer' }),
      expect.objectContaining({ level: 40, msg: 'bank feed call refused', context: 'BankFeeds', feedId: 'f-1', reason: 'signature mismatch' }),
      expect.objectContaining({ level: 50, msg: 'it broke', context: 'Errors', stack: 'Error: it broke\n    at here' }),
      expect.objectContaining({ level: 10, msg: 'fine detail', context: 'Jobs' }),
    ]);
  });
});
