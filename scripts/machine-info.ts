import { arch, cpus, platform, totalmem } from 'node:os';

/** What a figure was measured on, printed with every benchmark and validation run. */
export function machineInfo(): Record<string, unknown> {
  const cpu = cpus();
  return {
    node: process.version,
    platform: `${platform()}-${arch()}`,
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  };
}
