/*
 * I/O dispatch benchmark, libev side (the shape of libev's and libevent's bench.c). Mirrors
 * io.ts.
 *
 *   io <epoll|poll|select> <N> <iterations> <warmup>
 *   io raw <N> <iterations> <warmup>
 *
 * N fds, each with a read watcher. They come from N/2 socketpairs whose BOTH ends are
 * watched: a byte written into one end makes the other end readable. (libevent's bench
 * watches one end of each pair and so needs 2N fds; 20,000 fds for N = 10,000 does not fit
 * under this machine's hard limit of 20,000 open files, and keeping the watched fds dense
 * also keeps them under select's FD_SETSIZE at N = 1,000.)
 *
 * Each iteration writes one byte for 100 distinct random fds (the same sequence as io.ts),
 * the loop polls, the read callbacks consume the bytes, and a lowest-priority check watcher,
 * seeing all 100 callbacks done, timestamps the iteration and writes the next batch. Prints one JSON line
 * with the median and mean microseconds per iteration over the timed iterations.
 *
 * "raw" does the same writes and reads with no event loop at all (write the batch, then read
 * the 100 chosen fds directly): the kernel's share of an iteration, which both loops pay.
 * Subtracting it leaves what the loop itself costs (the poll call and the dispatch).
 */
#include <ev.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"

#define ACTIVE_MAX 100

static int n_fds, active, warmup, iterations;
static int *fds, *peers, *order;
static ev_io *watchers;
static ev_check batch_check;
static int fired, round_no;
static double last_ns, *samples;

static void read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
  (void)loop;
  (void)revents;
  char byte;
  if (read(w->fd, &byte, 1) == 1) fired++;
}

/* A partial Fisher-Yates shuffle over the fd indices picks `active` distinct fds. */
static void write_batch(void)
{
  static const char one = 1;
  for (int k = 0; k < active; k++) {
    int j = k + (int)(bench_rand() % (uint32_t)(n_fds - k));
    int t = order[k];
    order[k] = order[j];
    order[j] = t;
    if (write(peers[order[k]], &one, 1) != 1) {
      perror("write");
      _exit(1);
    }
  }
  round_no++;
}

static void check_cb(struct ev_loop *loop, ev_check *w, int revents)
{
  (void)revents;
  if (fired < active) return; /* the poll returned part of the batch; wait for the rest */
  double now = bench_now_ns();
  if (round_no > warmup) samples[round_no - warmup - 1] = now - last_ns;
  last_ns = now;
  if (round_no == warmup + iterations) {
    for (int i = 0; i < n_fds; i++) ev_io_stop(loop, &watchers[i]);
    ev_check_stop(loop, w);
    return;
  }
  fired = 0;
  write_batch();
}

static unsigned backend_flag(const char *name)
{
  if (!strcmp(name, "epoll")) return EVBACKEND_EPOLL;
  if (!strcmp(name, "poll")) return EVBACKEND_POLL;
  if (!strcmp(name, "select")) return EVBACKEND_SELECT;
  return 0;
}

/* The loop-less floor: the same batches, read back directly, timed the same way. */
static void run_raw(void)
{
  char byte;
  while (round_no < warmup + iterations) {
    fired = 0;
    write_batch();
    for (int k = 0; k < active; k++)
      if (read(fds[order[k]], &byte, 1) == 1) fired++;
    if (fired != active) {
      fprintf(stderr, "io raw: read %d of %d bytes\n", fired, active);
      _exit(1);
    }
    double now = bench_now_ns();
    if (round_no > warmup) samples[round_no - warmup - 1] = now - last_ns;
    last_ns = now;
  }
}

int main(int argc, char **argv)
{
  int raw = argc == 5 && !strcmp(argv[1], "raw");
  unsigned backend = argc == 5 ? backend_flag(argv[1]) : 0;
  if (!backend && !raw) {
    fprintf(stderr, "usage: io epoll|poll|select|raw N iterations warmup\n");
    return 2;
  }
  n_fds = atoi(argv[2]);
  iterations = atoi(argv[3]);
  warmup = atoi(argv[4]);
  if (n_fds < 2 || n_fds % 2 || iterations < 1 || warmup < 0) {
    fprintf(stderr, "io: N must be even and >= 2, iterations >= 1, warmup >= 0\n");
    return 2;
  }
  active = n_fds < ACTIVE_MAX ? n_fds : ACTIVE_MAX;

  struct ev_loop *loop = raw ? NULL : ev_loop_new(backend | EVFLAG_NOENV);
  if (!raw && (!loop || ev_backend(loop) != backend)) {
    fprintf(stderr, "io: libev backend %s is not available\n", argv[1]);
    return 1;
  }
  fds = calloc((size_t)n_fds, sizeof(int));
  peers = calloc((size_t)n_fds, sizeof(int));
  order = calloc((size_t)n_fds, sizeof(int));
  watchers = calloc((size_t)n_fds, sizeof(ev_io));
  samples = calloc((size_t)iterations, sizeof(double));
  for (int i = 0; i < n_fds; i += 2) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0) {
      perror("socketpair");
      return 1;
    }
    fds[i] = sv[0];
    peers[i] = sv[1];
    fds[i + 1] = sv[1];
    peers[i + 1] = sv[0];
  }
  for (int i = 0; i < n_fds; i++) order[i] = i;
  if (raw) {
    last_ns = bench_now_ns();
    run_raw();
    goto report;
  }
  for (int i = 0; i < n_fds; i++) {
    ev_io_init(&watchers[i], read_cb, fds[i], EV_READ);
    ev_io_start(loop, &watchers[i]);
  }
  ev_check_init(&batch_check, check_cb);
  /* Check watchers are queued after the I/O events and the pending queue is popped LIFO, so
     at equal priority the check would run before the read callbacks. */
  ev_set_priority(&batch_check, EV_MINPRI);
  ev_check_start(loop, &batch_check);

  last_ns = bench_now_ns();
  write_batch();
  ev_run(loop, 0);

report:;
  double sum = 0;
  for (int i = 0; i < iterations; i++) sum += samples[i];
  double mean = sum / iterations;
  double median = bench_median(samples, iterations);
  printf("{\"bench\":\"io\",\"impl\":\"libev\",\"backend\":\"%s\",\"mode\":\"%s\",\"n\":%d,"
         "\"usPerIter\":%.3f,\"meanUsPerIter\":%.3f,\"maxFd\":%d}\n",
         argv[1], raw ? "none" : "owned", n_fds, median / 1e3, mean / 1e3, fds[n_fds - 1]);
  for (int i = 0; i < n_fds; i++) close(fds[i]);
  if (loop) ev_loop_destroy(loop);
  return 0;
}
