/**
 * Child process of bench/reconcile.bench.ts: seeds the orders and writes the statement file
 * (reconcile-dataset.ts), then reports the summary to the parent and exits, so the parent's RSS
 * holds nothing of the generator. Argument: the options as JSON.
 */
import { seedReconcileDataset, type ReconcileDatasetOptions } from './reconcile-dataset.js';

const opts = JSON.parse(process.argv[2] ?? '{}') as ReconcileDatasetOptions;
const summary = await seedReconcileDataset({ ...opts, log: (m) => console.log(`[bench:reconcile:seed] ${m}`) });
process.send?.(summary);
