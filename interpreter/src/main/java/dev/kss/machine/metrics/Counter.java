package dev.kss.machine.metrics;

/** The counted quantities behind the metrics of MODEL.md section 3 (gauges go up and down). */
public enum Counter {
  THREADS_LIVE, THREADS_FORKED, THREADS_EXITED,
  /** Pages (not bytes) for the memory gauges; the metric multiplies by the page size. */
  RESIDENT_PAGES, RESIDENT_PEAK_PAGES, CACHED_PAGES, SUPPLY_PAGES,
  ALLOC_COUNT, ALLOC_SLOW, CACHE_HITS, CACHE_MISSES, CACHE_DROPPED,
  FREE_DEFERRED, FAULTS_STACK, PREFAULTS, ENSURE_FAILED,
  TLB_MISSES, TLB_FLUSHES, TLB_SHOOTDOWNS, IPIS, TLB_PURGES, TLB_COALESCED,
  STALE_TLB, ATOMIC_FAULT, DOUBLE_FAULT, OVERFLOW, SILENT_OVERFLOW, SUPPLY_EXHAUSTED, UNMAPPED_ACCESS;

  public boolean isViolation() { return ordinal() >= STALE_TLB.ordinal(); }
}
