// numa_lifo: a per-CPU LIFO cache of free stacks that never crosses a NUMA node.
//
// Linux keeps NR_CACHED_STACKS = 2 free stacks per CPU (kernel/fork.c, cached_stacks); a CPU
// whose cache is empty goes to vmalloc, even when its neighbour's cache is full. This cache
// steals from the other CPUs of the same node before giving up, and never hands a CPU a stack
// whose pages live on another node (a remote stack costs every syscall a remote access).
//
// Options: per_cpu N (stacks kept per CPU, default 2), steal no (only the local CPU's cache).
//
// Use it over a base without a cache of its own, so that only this one caches:
//   policy plain extends linux_vmap_cache { cache none }
//   policy lifo = js "numa_lifo" extends plain { per_cpu 2 }

const perCpu = kss.options.per_cpu ?? 2;
const steal = kss.options.steal ?? true;

/** The free stacks of a CPU, newest last (LIFO: the warmest in the cache is reused first). */
function cacheOf(cpu) {
  return (kss.percpu[cpu].stacks ??= []);
}

export default {
  counters: ['local_hits', 'node_steals', 'misses', 'kept', 'dropped'],

  // fork: a stack from this CPU's cache, else from a CPU of the same node, else none (vmalloc).
  alloc(t) {
    const local = cacheOf(t.cpu);
    if (local.length > 0) {
      kss.count('local_hits');
      return local.pop();
    }
    if (steal) {
      for (let c = 0; c < kss.cpus; c++) {
        if (c === t.cpu || kss.nodeOf(c) !== t.node) continue;
        const other = cacheOf(c);
        if (other.length > 0) {
          kss.count('node_steals');
          return other.pop();
        }
      }
    }
    kss.count('misses');
    return null;
  },

  // exit: keep the stack on the CPU that freed it, if there is room.
  free(stack, cpu) {
    const c = cacheOf(cpu);
    if (c.length >= perCpu) {
      kss.count('dropped');
      return false;
    }
    c.push(stack);
    kss.count('kept');
    return true;
  },
};
