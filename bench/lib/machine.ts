/**
 * The machine a benchmark ran on, for bench/RESULTS.md: CPU model × logical CPUs, memory, OS, Node and
 * PostgreSQL versions.
 */
import { cpus, loadavg, platform, release, totalmem } from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cpuCount: number;
  memoryGiB: number;
  os: string;
  node: string;
}

export function machineInfo(): MachineInfo {
  const cpu = cpus();
  return {
    cpuModel: (cpu[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ').trim(),
    cpuCount: cpu.length,
    memoryGiB: totalmem() / 2 ** 30,
    os: `${platform()} ${release()}`,
    node: process.version,
  };
}

/** "Machine: AMD EPYC … × 2 logical CPUs, 23.5 GiB RAM, linux …; Node v20…; PostgreSQL 18.4 (embedded …)." */
export function machineLine(pgVersion: string): string {
  const m = machineInfo();
  return (
    `Machine: ${m.cpuModel} × ${m.cpuCount} logical CPUs, ${m.memoryGiB.toFixed(1)} GiB RAM, ${m.os}; Node ${m.node}; ` +
    `PostgreSQL ${pgVersion} (embedded, settings of src/database/embedded-postgres.ts). ` +
    `The app, the database and the load generator share these CPUs.`
  );
}

/** Load averages (1, 5, 15 min): on a shared machine other work competes for the CPUs. */
export function loadAverage(): string {
  return loadavg().map((x) => x.toFixed(2)).join(' / ');
}
