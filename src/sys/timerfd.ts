/**
 * timerfd(2) on CLOCK_MONOTONIC: how hosted mode wakes Node's loop for the next libev timer
 * deadline without a Node timer per deadline.
 */
import { c, lastErrno } from "./_libc.js";
import { SysError } from "./errno.js";
import { O_CLOEXEC, O_NONBLOCK } from "./fd.js";

const CLOCK_MONOTONIC = 1;
const spec = new BigInt64Array(4); // it_interval {sec, nsec}, it_value {sec, nsec}
const sink = new BigUint64Array(1);

export function timerfdCreate(): number {
  const fd = c.timerfd_create(CLOCK_MONOTONIC, O_NONBLOCK | O_CLOEXEC) as number;
  if (fd < 0) throw new SysError("timerfd_create", lastErrno());
  return fd;
}

/**
 * Arms the timer to expire once after `seconds` (relative); a negative value disarms it. A
 * zero delay is rounded up to 1 ns, because an all-zero value would disarm instead.
 */
export function timerfdArm(fd: number, seconds: number): void {
  spec[0] = 0n;
  spec[1] = 0n;
  if (seconds < 0) {
    spec[2] = 0n;
    spec[3] = 0n;
  } else {
    const whole = Math.floor(seconds);
    const nanos = Math.max(whole === 0 ? 1 : 0, Math.round((seconds - whole) * 1e9));
    spec[2] = BigInt(whole);
    spec[3] = BigInt(Math.min(nanos, 999_999_999));
  }
  if (c.timerfd_settime(fd, 0, spec, null) < 0) throw new SysError("timerfd_settime", lastErrno());
}

export function timerfdDrain(fd: number): void {
  c.read(fd, sink, 8);
}
