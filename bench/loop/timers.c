/*
 * Timer benchmark, libev side. Mirrors timers.ts line for line.
 *
 *   timers pool   1000 timers; per round start all of them with fresh random timeouts, then
 *                 stop them in a shuffled order. 1000 timed rounds = 1,000,000 starts and
 *                 1,000,000 stops, heap up to 1000 deep.
 *   timers deep   100,000 timers active (a heap of depth ~9 in a 4-heap), then 1,000,000
 *                 churn steps: stop a random active timer and start it with a new timeout.
 *
 * Prints one JSON line: the median over chunks of ns per operation (a start or a stop).
 * The loop is never run: this measures the heap and watcher bookkeeping alone.
 */
#include <ev.h>
#include <stdio.h>
#include <string.h>

#include "common.h"

#define TABLE_BITS 17
#define TABLE_SIZE (1u << TABLE_BITS)
#define TABLE_MASK (TABLE_SIZE - 1)

#define POOL 1000
#define POOL_WARMUP_ROUNDS 100
#define POOL_ROUNDS 1000

#define DEEP_ACTIVE 100000
#define DEEP_WARMUP_STEPS 100000
#define DEEP_STEPS 1000000
#define DEEP_CHUNK 10000

static double afters[TABLE_SIZE];
static uint32_t picks[TABLE_SIZE];
static int perm[POOL];
static double samples[DEEP_STEPS / DEEP_CHUNK + POOL_ROUNDS];

static void timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
  (void)loop;
  (void)w;
  (void)revents;
}

/* The random tables are drawn in this order on both sides, so they match exactly. */
static void fill_tables(void)
{
  for (uint32_t i = 0; i < TABLE_SIZE; i++) afters[i] = 0.001 + bench_rand_unit() * 60.0;
  for (int i = 0; i < POOL; i++) perm[i] = i;
  for (int i = POOL - 1; i > 0; i--) {
    int j = (int)(bench_rand() % (uint32_t)(i + 1));
    int t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  for (uint32_t i = 0; i < TABLE_SIZE; i++) picks[i] = bench_rand() % DEEP_ACTIVE;
}

static void pool_round(struct ev_loop *loop, ev_timer *timers, uint32_t round)
{
  uint32_t base = round * POOL;
  for (int j = 0; j < POOL; j++) {
    ev_timer_set(&timers[j], afters[(base + (uint32_t)j) & TABLE_MASK], 0.);
    ev_timer_start(loop, &timers[j]);
  }
  for (int j = 0; j < POOL; j++) ev_timer_stop(loop, &timers[perm[j]]);
}

static double bench_pool(struct ev_loop *loop)
{
  static ev_timer timers[POOL];
  for (int j = 0; j < POOL; j++) ev_timer_init(&timers[j], timer_cb, 1., 0.);
  for (uint32_t r = 0; r < POOL_WARMUP_ROUNDS; r++) pool_round(loop, timers, r);
  for (uint32_t r = 0; r < POOL_ROUNDS; r++) {
    double t0 = bench_now_ns();
    pool_round(loop, timers, r);
    samples[r] = (bench_now_ns() - t0) / (2.0 * POOL);
  }
  return bench_median(samples, POOL_ROUNDS);
}

static void deep_steps(struct ev_loop *loop, ev_timer *timers, uint32_t from, uint32_t count)
{
  for (uint32_t k = from; k < from + count; k++) {
    ev_timer *t = &timers[picks[k & TABLE_MASK]];
    ev_timer_stop(loop, t);
    ev_timer_set(t, afters[(k + DEEP_ACTIVE) & TABLE_MASK], 0.);
    ev_timer_start(loop, t);
  }
}

static double bench_deep(struct ev_loop *loop)
{
  static ev_timer timers[DEEP_ACTIVE];
  for (int i = 0; i < DEEP_ACTIVE; i++) {
    ev_timer_init(&timers[i], timer_cb, afters[i & TABLE_MASK], 0.);
    ev_timer_start(loop, &timers[i]);
  }
  deep_steps(loop, timers, 0, DEEP_WARMUP_STEPS);
  int chunks = DEEP_STEPS / DEEP_CHUNK;
  for (int c = 0; c < chunks; c++) {
    double t0 = bench_now_ns();
    deep_steps(loop, timers, DEEP_WARMUP_STEPS + (uint32_t)c * DEEP_CHUNK, DEEP_CHUNK);
    samples[c] = (bench_now_ns() - t0) / (2.0 * DEEP_CHUNK);
  }
  for (int i = 0; i < DEEP_ACTIVE; i++) ev_timer_stop(loop, &timers[i]);
  return bench_median(samples, chunks);
}

int main(int argc, char **argv)
{
  if (argc != 2 || (strcmp(argv[1], "pool") && strcmp(argv[1], "deep"))) {
    fprintf(stderr, "usage: timers pool|deep\n");
    return 2;
  }
  fill_tables();
  struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
  if (!loop) {
    fprintf(stderr, "timers: ev_loop_new failed\n");
    return 1;
  }
  int pool = strcmp(argv[1], "pool") == 0;
  double ns = pool ? bench_pool(loop) : bench_deep(loop);
  printf("{\"bench\":\"timers\",\"impl\":\"libev\",\"case\":\"%s\",\"nsPerOp\":%.2f}\n", argv[1],
         ns);
  ev_loop_destroy(loop);
  return 0;
}
