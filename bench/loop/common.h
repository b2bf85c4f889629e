/*
 * Shared by the C side of the loop benchmark: the pseudo-random sequence and the clock.
 * The TypeScript side (common.ts) implements the same xorshift32 generator with the same
 * seed, so both programs draw identical timeouts and pick identical fds.
 */
#ifndef EVNET_BENCH_COMMON_H
#define EVNET_BENCH_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#define BENCH_SEED 0x9e3779b9u

static uint32_t bench_rng_state = BENCH_SEED;

/* Marsaglia's xorshift32: cheap, and easy to reproduce bit for bit in JavaScript. */
static inline uint32_t bench_rand(void)
{
  uint32_t x = bench_rng_state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  bench_rng_state = x;
  return x;
}

/* A float in [0, 1) with 32 bits of randomness; JavaScript computes x / 2^32 the same way. */
static inline double bench_rand_unit(void)
{
  return (double)bench_rand() / 4294967296.0;
}

static inline double bench_now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int bench_cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Median of the first n samples; sorts them in place. */
static inline double bench_median(double *samples, int n)
{
  qsort(samples, (size_t)n, sizeof(double), bench_cmp_double);
  return n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2.0;
}

#endif
