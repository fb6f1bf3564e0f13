/** Messages between the cluster primary and its web workers (node:cluster IPC). */
import type { Welcome } from './instance.js';

export type ToPrimary =
  /** The worker listens; the background worker of a demo start sends the pages block. */
  | { type: 'ready'; welcome: Welcome | null }
  /** The worker could not start: the line to print (and the stack of an unexpected failure). */
  | { type: 'fatal'; line: string; detail?: string };

export type ToWorker =
  /** The embedded database went down (reason) or is back (null). */
  | { type: 'db'; down: string | null }
  /** Finish open requests and exit. */
  | { type: 'shutdown' };

export function isMessage<T extends { type: string }>(m: unknown, types: Array<T['type']>): m is T {
  return typeof m === 'object' && m !== null && types.includes((m as { type: unknown }).type as T['type']);
}

/** Environment variables the primary sets for a worker (besides DATABASE_URL and BACKGROUND_JOBS). */
export const WORKER_SLOT_ENV = 'OCOP_WORKER_SLOT';
