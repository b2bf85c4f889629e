/**
 * The contract between the loop and a kernel readiness API (ev.c's backend_modify and
 * backend_poll). A backend only translates: the loop tells it which of EV.READ/EV.WRITE each
 * fd wants, once per iteration (fd_reify), and the backend reports readiness back through
 * the sink. All three backends give the loop identical semantics.
 */

export type BackendName = "epoll" | "poll" | "select";

export interface BackendSink {
  /** Readiness for `fd` (EV.READ | EV.WRITE bits). */
  fdEvent(fd: number, revents: number): void;
  /** `fd` turned out not to be an open descriptor: libev stops its watchers with EV.ERROR. */
  fdKill(fd: number): void;
  /** What the loop currently wants for `fd`, to drop interest the kernel still reports. */
  fdWanted(fd: number): number;
}

export interface Backend {
  readonly name: BackendName;
  /**
   * A descriptor that is readable whenever this backend has events to report, for hosting
   * the loop in Node's (the epoll set itself); -1 for backends that have none.
   */
  readonly pollFd: number;
  /** Descriptors at or above this cannot be watched (select's FD_SETSIZE). */
  readonly maxFd: number;
  /** How many fds are reported ready on every poll without the kernel (epoll's EPERM files). */
  readonly alwaysReadyCount: number;
  /** The interest for `fd` changes from `oldEvents` to `newEvents` (READ/WRITE masks). */
  modify(fd: number, oldEvents: number, newEvents: number): void;
  /** Waits up to `timeout` seconds (0: just look) and reports what is ready to the sink. */
  poll(timeout: number): void;
  /** Recreates kernel state after fork(); the loop then re-registers every fd. */
  fork(): void;
  destroy(): void;
}

/** libev's EV_TS_TO_MSEC: round up so a timer never wakes the loop before its deadline. */
export function toMilliseconds(timeout: number): number {
  return timeout <= 0 ? 0 : Math.ceil(timeout * 1e3);
}
