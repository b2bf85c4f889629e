/**
 * eventfd(2): an 8-byte counter that wakes a poller. Writers add to it; a read returns the
 * sum and resets it, which is how many `Async.send()` calls coalesce into one wake-up.
 */
import { c, lastErrno } from "./_libc.js";
import { ERRNO, SysError } from "./errno.js";
import { O_CLOEXEC, O_NONBLOCK } from "./fd.js";

const one = new BigUint64Array([1n]);
const sink = new BigUint64Array(1);

export function eventfdCreate(): number {
  const fd = c.eventfd(0, O_NONBLOCK | O_CLOEXEC) as number;
  if (fd < 0) throw new SysError("eventfd", lastErrno());
  return fd;
}

/** Adds one to the counter. A full counter (EAGAIN) already means "wake up", so it is fine. */
export function eventfdSignal(fd: number): void {
  if ((c.write(fd, one, 8) as number) < 0) {
    const errno = lastErrno();
    if (errno !== ERRNO.EAGAIN) throw new SysError("write", errno, `eventfd ${fd}`);
  }
}

/** Resets the counter; returns true when it had been signalled. */
export function eventfdDrain(fd: number): boolean {
  return (c.read(fd, sink, 8) as number) === 8;
}
