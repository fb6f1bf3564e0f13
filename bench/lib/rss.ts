/**
 * Peak resident set size of this process while a piece of work runs, two ways:
 * - sampled: process.memoryUsage.rss() every few milliseconds (portable; misses spikes shorter
 *   than the interval or while the event loop is blocked);
 * - the kernel's high-water mark (Linux: VmHWM in /proc/self/status, reset at the start by writing
 *   "5" to /proc/self/clear_refs): exact, when available.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface RssPeak {
  /** Highest sampled RSS, bytes. */
  sampled: number;
  samples: number;
  /** Kernel high-water mark over the same span, bytes (null where unavailable). */
  kernel: number | null;
  /** RSS when sampling started, bytes. */
  atStart: number;
}

export interface RssSampler {
  stop(): RssPeak;
}

function kernelHighWaterMark(): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function resetKernelHighWaterMark(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

export function sampleRss(everyMs = 20): RssSampler {
  const kernelReset = resetKernelHighWaterMark();
  const atStart = process.memoryUsage.rss();
  let peak = atStart;
  let samples = 1;
  const take = () => {
    const rss = process.memoryUsage.rss();
    samples += 1;
    if (rss > peak) peak = rss;
  };
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { sampled: peak, samples, kernel: kernelReset ? kernelHighWaterMark() : null, atStart };
    },
  };
}

export const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);
