// sleep_keep: dynamic stacks that keep a sleeping thread's extra pages for a while.
//
// Brian Gerst proposed giving back the pages below a sleeping thread's stack pointer at every
// sleep (LKML, March 2024); Pasha Tatashin answered that the switch back in then has to map them
// again, from a pool, on a path that cannot sleep. Most sleeps are short: this policy keeps the
// pages across a sleep and takes them back only from threads that have slept longer than
// `after`, in a periodic pass (every `after / 2`). Faults map pages from a per-CPU pool of frames
// that reclaim refills, so a fault needs no allocation while the pool lasts.
//
// Options: after DURATION (default 1 ms), pool N (frames kept per CPU, default 4).
//
// Base: a dynamic-stack policy that grows on fault, e.g.
//   policy dyn extends linux_dynamic { supply none }
//   policy keep = js "sleep_keep" extends dyn { after 2 ms }

const after = kss.options.after ?? 1e6;
const poolSize = kss.options.pool ?? 4;
/** When each sleeping thread went to sleep, by thread id. */
const asleepSince = new Map();

function pool(cpu) {
  return (kss.percpu[cpu].pool ??= []);
}

export default {
  counters: ['kept_sleeps', 'reclaimed_pages', 'pool_maps', 'fresh_maps'],
  reclaimEvery: Math.max(1, Math.floor(after / 2)),

  // A fault: map the hole from its end down to the faulting page, pool first.
  fault(t, page) {
    for (let p = 0; p <= page; p++) {
      if (t.stack.mapped(p)) continue;
      const frames = pool(t.cpu);
      let pfn;
      if (frames.length > 0) {
        pfn = frames.pop();
        kss.count('pool_maps');
      } else {
        pfn = kss.allocFrame(t.node);
        if (pfn < 0) return false;   // out of memory: let the base policy decide
        kss.count('fresh_maps');
      }
      kss.map(t.stack, p, pfn);
    }
    return true;
  },

  // A sleep keeps everything; remember when it started.
  sleep(t) {
    asleepSince.set(t.id, kss.now());
    kss.count('kept_sleeps');
  },

  switchIn(t) {
    asleepSince.delete(t.id);
  },

  // The periodic pass: long sleepers give back the pages below their stack pointer.
  reclaim() {
    const now = kss.now();
    let unmapped = [];
    for (const t of kss.threads()) {
      if (!t.sleeping || now - (asleepSince.get(t.id) ?? now) < after) continue;
      const keep = Math.max(1, t.depthPages);
      for (let p = keep; p < t.stack.pages; p++) {
        if (!t.stack.mapped(p)) continue;
        unmapped.push([t.cpu, kss.unmap(t.stack, p)]);
      }
    }
    if (unmapped.length === 0) return;
    kss.invalidate('broadcast');   // one shootdown for the whole pass, then the frames are free
    for (const [cpu, pfn] of unmapped) {
      const frames = pool(cpu);
      if (frames.length < poolSize) frames.push(pfn);
      else kss.freeFrame(pfn);
    }
    kss.count('reclaimed_pages', unmapped.length);
  },
};
