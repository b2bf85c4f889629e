/*
 * evnet's only C: the part of signal handling that cannot be done from JavaScript.
 *
 * Node's helper threads (the libuv thread pool, V8's platform workers) do not block most
 * signals, so a signal sent to the process may be delivered to any of them: blocking it in
 * the main thread and reading it from a signalfd loses it to whichever thread the kernel
 * picks. What works regardless of the thread is what libev does without signalfd: a handler
 * that writes the signal number into a pipe the loop watches. write(2) is
 * async-signal-safe. A handler installed before (Node's, when the program also listens with
 * process.on, or libuv's SIGCHLD handler) can be chained, so that Node still sees the signal.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#define EVNET_NSIG 65

static volatile int pipe_fds[EVNET_NSIG];
static struct sigaction previous[EVNET_NSIG];
static volatile sig_atomic_t caught[EVNET_NSIG];
static volatile sig_atomic_t chain[EVNET_NSIG];

static void on_signal(int sig, siginfo_t *info, void *context) {
  int saved = errno;
  if (sig > 0 && sig < EVNET_NSIG) {
    unsigned char byte = (unsigned char)sig;
    int fd = pipe_fds[sig];
    if (fd >= 0) (void)!write(fd, &byte, 1);
    struct sigaction *old = &previous[sig];
    if (!chain[sig] || (old->sa_flags & SA_RESETHAND)) {
      /* Not chained. A one-shot handler (SA_RESETHAND, as Node's own SIGINT/SIGTERM handler
       * that restores the default action and re-raises) would re-raise into this handler
       * forever; a program that watches the signal has taken it over instead. */
    } else if (old->sa_flags & SA_SIGINFO) {
      if (old->sa_sigaction) old->sa_sigaction(sig, info, context);
    } else if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN) {
      old->sa_handler(sig);
    }
  }
  errno = saved;
}

/*
 * Routes `sig` into `fd` (the write end of a non-blocking pipe); with `chain_previous`, the
 * handler that was there before is called after the write. Returns 0 or -1 (errno).
 */
int evnet_signal_catch(int sig, int fd, int chain_previous) {
  if (sig <= 0 || sig >= EVNET_NSIG) {
    errno = EINVAL;
    return -1;
  }
  pipe_fds[sig] = fd;
  chain[sig] = chain_previous;
  if (caught[sig]) return 0;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigfillset(&sa.sa_mask);
  if (sigaction(sig, &sa, &previous[sig]) < 0) return -1;
  caught[sig] = 1;
  return 0;
}

/* Puts back the disposition `sig` had before evnet_signal_catch. */
int evnet_signal_release(int sig) {
  if (sig <= 0 || sig >= EVNET_NSIG) {
    errno = EINVAL;
    return -1;
  }
  pipe_fds[sig] = -1;
  if (!caught[sig]) return 0;
  caught[sig] = 0;
  return sigaction(sig, &previous[sig], NULL);
}

__attribute__((constructor)) static void init(void) {
  for (int i = 0; i < EVNET_NSIG; i++) pipe_fds[i] = -1;
}

/*
 * writev(2) for up to four buffers passed as plain pointer arguments. koffi marshals an array
 * of iovec structs element by element (about 2 us for two buffers here), while four pointer
 * arguments cost what one write() costs; a response head and its body go out in one syscall
 * without copying them together. Unused slots have length 0.
 */
#include <sys/uio.h>
long evnet_writev4(int fd, const void *a, unsigned long al, const void *b, unsigned long bl,
                   const void *c, unsigned long cl, const void *d, unsigned long dl) {
  struct iovec iov[4];
  int n = 0;
  if (al) { iov[n].iov_base = (void *)a; iov[n].iov_len = al; n++; }
  if (bl) { iov[n].iov_base = (void *)b; iov[n].iov_len = bl; n++; }
  if (cl) { iov[n].iov_base = (void *)c; iov[n].iov_len = cl; n++; }
  if (dl) { iov[n].iov_base = (void *)d; iov[n].iov_len = dl; n++; }
  if (n == 0) return 0;
  return writev(fd, iov, n);
}
