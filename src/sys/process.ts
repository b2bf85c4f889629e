/**
 * Child processes through pidfds: pidfd_open(2) gives a descriptor that becomes readable when
 * the process exits, and waitid(P_PIDFD, ..., WNOWAIT) reads the status without reaping, so
 * Node (whose libuv reaps its own children on SIGCHLD) still sees the exit too.
 */
import { c, lastErrno } from "./_libc.js";
import { ERRNO, SysError } from "./errno.js";

const SYS_pidfd_open = 434; // the same on x86-64 and arm64 (asm-generic table)
const P_PIDFD = 3;
const WNOHANG = 1;
const WEXITED = 4;
const WNOWAIT = 0x01000000;

// siginfo_t (128 bytes): si_code at byte 8, then si_pid at 16 and si_status at 24.
const siginfo = new Int32Array(32);
const CLD_EXITED = 1;
const CLD_KILLED = 2;
const CLD_DUMPED = 3;
const CLD_STOPPED = 5;
const CLD_CONTINUED = 6;

export function pidfdOpen(pid: number): number {
  const fd = c.syscall2(SYS_pidfd_open, pid, 0) as number;
  if (fd < 0) throw new SysError("pidfd_open", lastErrno(), `pid ${pid}`);
  return fd;
}

/** What waitid reported: the pid and a waitpid(2)-style status word. */
export interface ChildStatus {
  pid: number;
  status: number;
}

/**
 * Peeks at an exited child's status without reaping it. Returns null if it has not exited
 * yet, or if someone else (Node) reaped it first, in which case the status is gone.
 */
export function pidfdPeekExit(pidfd: number): ChildStatus | null {
  siginfo.fill(0);
  if (c.waitid(P_PIDFD, pidfd, siginfo, WEXITED | WNOWAIT | WNOHANG) < 0) {
    const errno = lastErrno();
    if (errno === ERRNO.ECHILD) return null;
    throw new SysError("waitid", errno, `pidfd ${pidfd}`);
  }
  const pid = siginfo[4]!;
  if (pid === 0) return null;
  return { pid, status: waitStatus(siginfo[2]!, siginfo[6]!) };
}

/** Encodes si_code/si_status the way waitpid(2) encodes its status word. */
export function waitStatus(code: number, status: number): number {
  switch (code) {
    case CLD_EXITED:
      return (status & 0xff) << 8;
    case CLD_KILLED:
      return status & 0x7f;
    case CLD_DUMPED:
      return (status & 0x7f) | 0x80;
    case CLD_STOPPED:
      return ((status & 0xff) << 8) | 0x7f;
    case CLD_CONTINUED:
      return 0xffff;
    default:
      return 0;
  }
}
