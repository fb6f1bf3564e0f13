import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Decodes HEIC/HEIF (HEVC-coded, as iPhones write) to RGBA with `heic-decode` (libheif compiled to
 * WebAssembly with libde265). sharp's prebuilt libvips reads HEIF only when AV1-coded (AVIF).
 *
 * Each decode runs in a fresh worker thread that ends afterwards, for two reasons measured on this
 * project's machine (a 4032×3024 iPhone-size HEIC, 1 MB): the decode takes ~0.6–1 s of pure CPU,
 * which in the main thread would stall every request; and the WebAssembly heap grows to hold the
 * picture (~150 MB RSS for 12 MP) and never shrinks, so it is given back by ending the thread.
 * One decode at a time per process (a queue in front): peak memory stays that of one picture.
 * libheif applies the container's rotation and mirroring (`irot`/`imir`); HEIF's EXIF orientation
 * tag is informative only and must not be applied again.
 */
export interface DecodedRgba {
  width: number;
  height: number;
  /** width × height × 4 bytes, RGBA. */
  data: Buffer;
}

export class HeicDecodeError extends Error {
  override name = 'HeicDecodeError';
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const decode = require(workerData.modulePath);
(async () => {
  const images = await decode.all({ buffer: workerData.buffer });
  try {
    const first = images[0];
    if (first.width * first.height > workerData.maxPixels) {
      throw new Error('the image has ' + first.width + 'x' + first.height + ' pixels, over the limit');
    }
    const img = await first.decode();
    parentPort.postMessage({ ok: true, width: img.width, height: img.height, data: img.data }, [img.data.buffer]);
  } finally {
    images.dispose();
  }
})().catch((err) => parentPort.postMessage({ ok: false, message: String((err && err.message) || err) }));
`;

const modulePath = createRequire(import.meta.url).resolve('heic-decode');
let queue: Promise<unknown> = Promise.resolve();

/** Decodes the primary image; refuses (before decoding) one of more than maxPixels. */
export function decodeHeic(input: Buffer, opts: { maxPixels: number; timeoutMs?: number }): Promise<DecodedRgba> {
  const run = queue.then(() => decodeInWorker(input, opts.maxPixels, opts.timeoutMs ?? 120_000));
  queue = run.catch(() => undefined);
  return run;
}

function decodeInWorker(input: Buffer, maxPixels: number, timeoutMs: number): Promise<DecodedRgba> {
  return new Promise((resolve, reject) => {
    // A copy the worker owns (the caller's Buffer may share a pooled ArrayBuffer).
    const buffer = new Uint8Array(input);
    // libheif prints its complaints to the console: keep them for the error instead of the app's log.
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { modulePath, buffer, maxPixels }, transferList: [buffer.buffer], stdout: true, stderr: true });
    let said = '';
    const listen = (chunk: Buffer) => {
      if (said.length < 1000) said += chunk.toString('utf8');
    };
    worker.stdout.on('data', listen);
    worker.stderr.on('data', listen);
    const why = (message: string) => {
      const detail = /message: '([^']+)'/.exec(said)?.[1];
      return new HeicDecodeError(detail && !message.includes(detail) ? `${message} (${detail})` : message);
    };
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      fn();
    };
    const timer = setTimeout(() => finish(() => reject(new HeicDecodeError(`decoding took longer than ${timeoutMs} ms`))), timeoutMs);
    worker.once('message', (m: { ok: true; width: number; height: number; data: Uint8ClampedArray } | { ok: false; message: string }) => {
      if (m.ok) finish(() => resolve({ width: m.width, height: m.height, data: Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength) }));
      else finish(() => reject(why(m.message)));
    });
    worker.once('error', (err) => finish(() => reject(why(err.message))));
    worker.once('exit', (code) => finish(() => reject(why(`the decoder stopped (exit code ${code})`))));
  });
}
