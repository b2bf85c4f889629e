/**
 * CPU affinity (sched_setaffinity(2)): what `taskset -c N` does, for pinning a worker
 * process to one core.
 */
import { c, lastErrno } from "./_libc.js";
import { SysError } from "./errno.js";

const MASK_BYTES = 128; // room for 1024 CPUs, glibc's cpu_set_t

/** Pins the calling process (pid 0) or `pid` to the given CPUs. */
export function setCpuAffinity(cpus: readonly number[], pid = 0): void {
  if (cpus.length === 0) throw new RangeError("setCpuAffinity needs at least one CPU");
  const mask = new Uint8Array(MASK_BYTES);
  for (const cpu of cpus) {
    if (!Number.isInteger(cpu) || cpu < 0 || cpu >= MASK_BYTES * 8) {
      throw new RangeError(`CPU index must be an integer in 0..${MASK_BYTES * 8 - 1}, got ${cpu}`);
    }
    mask[cpu >> 3]! |= 1 << (cpu & 7);
  }
  if (c.sched_setaffinity(pid, MASK_BYTES, mask) < 0) {
    throw new SysError("sched_setaffinity", lastErrno(), `cpus ${cpus.join(",")}`);
  }
}

/** The CPUs the calling process (or `pid`) may run on. */
export function getCpuAffinity(pid = 0): number[] {
  const mask = new Uint8Array(MASK_BYTES);
  if (c.sched_getaffinity(pid, MASK_BYTES, mask) < 0) {
    throw new SysError("sched_getaffinity", lastErrno());
  }
  const cpus: number[] = [];
  for (let i = 0; i < MASK_BYTES * 8; i++) if (mask[i >> 3]! & (1 << (i & 7))) cpus.push(i);
  return cpus;
}
