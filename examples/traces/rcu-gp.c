/* Times synchronize_rcu() through membarrier(MEMBARRIER_CMD_GLOBAL), which waits for one (kernel/sched/membarrier.c). */
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
static int cmp(const void *a, const void *b) { double x = *(double *)a, y = *(double *)b; return x < y ? -1 : x > y; }
int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 200;
  double *ms = malloc(n * sizeof *ms);
  for (int i = 0; i < n; i++) {
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    if (syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0)) { perror("membarrier"); return 1; }
    clock_gettime(CLOCK_MONOTONIC, &b);
    ms[i] = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
  }
  qsort(ms, n, sizeof *ms, cmp);
  printf("synchronize_rcu over %d calls: min %.2f ms, p10 %.2f, median %.2f, p90 %.2f, max %.2f\n", n, ms[0], ms[n / 10], ms[n / 2], ms[9 * n / 10], ms[n - 1]);
  return 0;
}
