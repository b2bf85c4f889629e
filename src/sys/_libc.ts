/**
 * The one place that loads koffi. Declares the libc functions evnet calls, once, at import.
 * Pointer arguments are declared `void *` so that a Buffer or typed array is passed by
 * address without a copy; the wrappers in the sibling files own the memory layouts.
 */
import koffi from "koffi";

const libc = koffi.load("libc.so.6");

/** The errno the last koffi call on this thread left behind. */
export const lastErrno: () => number = koffi.errno as () => number;

// koffi's function objects are untyped callables; each wrapper below gives its own a
// precise TypeScript signature, so the `any` stays inside this file.
// biome-ignore lint/suspicious/noExplicitAny: see the comment above
export type Fn = (...args: any[]) => any;
/** Declares one more libc function (for sys/ modules whose calls only they use). */
export const fn = (decl: string): Fn => libc.func(decl) as Fn;

export const c = {
  close: fn("int close(int fd)"),
  read: fn("long read(int fd, void *buf, unsigned long count)"),
  write: fn("long write(int fd, const void *buf, unsigned long count)"),
  readv: fn("long readv(int fd, const void *iov, int iovcnt)"),
  writev: fn("long writev(int fd, const void *iov, int iovcnt)"),
  pipe2: fn("int pipe2(void *fds, int flags)"),
  fcntl: fn("int fcntl(int fd, int cmd, int arg)"),
  socketpair: fn("int socketpair(int domain, int type, int protocol, void *fds)"),
  getpid: fn("int getpid()"),
  kill: fn("int kill(int pid, int sig)"),
  epoll_create1: fn("int epoll_create1(int flags)"),
  epoll_ctl: fn("int epoll_ctl(int epfd, int op, int fd, void *event)"),
  epoll_wait: fn("int epoll_wait(int epfd, void *events, int maxevents, int timeout)"),
  poll: fn("int poll(void *fds, unsigned long nfds, int timeout)"),
  select: fn("int select(int nfds, void *readfds, void *writefds, void *exceptfds, void *timeout)"),
  eventfd: fn("int eventfd(unsigned int initval, int flags)"),
  timerfd_create: fn("int timerfd_create(int clockid, int flags)"),
  timerfd_settime: fn(
    "int timerfd_settime(int fd, int flags, const void *newValue, void *oldValue)",
  ),
  syscall2: fn("long syscall(long number, long a, long b)"),
  waitid: fn("int waitid(int idtype, int id, void *infop, int options)"),
  sched_setaffinity: fn("int sched_setaffinity(int pid, unsigned long size, const void *mask)"),
  sched_getaffinity: fn("int sched_getaffinity(int pid, unsigned long size, void *mask)"),
  socket: fn("int socket(int domain, int type, int protocol)"),
  bind: fn("int bind(int fd, const void *addr, unsigned int len)"),
  listen: fn("int listen(int fd, int backlog)"),
  accept4: fn("int accept4(int fd, void *addr, void *len, int flags)"),
  connect: fn("int connect(int fd, const void *addr, unsigned int len)"),
  shutdown: fn("int shutdown(int fd, int how)"),
  setsockopt: fn(
    "int setsockopt(int fd, int level, int name, const void *value, unsigned int len)",
  ),
  getsockopt: fn("int getsockopt(int fd, int level, int name, void *value, void *len)"),
  getsockname: fn("int getsockname(int fd, void *addr, void *len)"),
  getpeername: fn("int getpeername(int fd, void *addr, void *len)"),
  sendto: fn(
    "long sendto(int fd, const void *buf, unsigned long len, int flags, const void *addr, unsigned int alen)",
  ),
  recvfrom: fn(
    "long recvfrom(int fd, void *buf, unsigned long len, int flags, void *addr, void *alen)",
  ),
  sendfile: fn("long sendfile(int out, int in, void *offset, unsigned long count)"),
  ioctl: fn("int ioctl(int fd, unsigned long request, void *arg)"),
};

/** koffi's uv_poll helper (koffi 3.x, pinned): Node's libuv watching one fd for us. */
export const nodePoll = koffi.node.poll;
export type NodePollHandle = ReturnType<typeof koffi.node.poll>;
