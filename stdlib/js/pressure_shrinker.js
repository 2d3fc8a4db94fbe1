// pressure_shrinker: take pages back from sleeping threads only when memory runs low.
//
// Amlogic's vmap stack shrinker (drivers/amlogic/memory_ext/vmap_stack.c) unmaps the pages below
// every sleeping thread's stack pointer on a timer, whether or not memory is short, and pays a
// TLB invalidation for each page. This one is a shrinker in the sense of mm/vmscan.c: it runs
// periodically, does nothing while free memory is above the `low` watermark, and then reclaims,
// the deepest sleepers first, until free memory is back above `high`, with one shootdown per pass.
//
// Options: every DURATION (default 1 ms), low PERCENT (default 10%), high PERCENT (default 15%).
//
// Base: a policy that grows on fault (the reclaimed pages fault back in when needed), e.g.
//   policy dyn extends linux_dynamic { supply none }
//   policy shrink = js "pressure_shrinker" extends dyn { low 20% high 30% }

const every = kss.options.every ?? 1e6;
const low = kss.options.low ?? 0.10;
const high = kss.options.high ?? 0.15;

export default {
  counters: ['passes', 'pressured_passes', 'reclaimed_pages'],
  reclaimEvery: every,

  reclaim() {
    kss.count('passes');
    const total = kss.totalFrames();
    if (kss.freeFrames() >= low * total) return;
    kss.count('pressured_passes');
    // The sleepers with the most reclaimable pages first.
    const sleepers = kss.threads()
      .filter((t) => t.sleeping)
      .map((t) => ({ t, spare: t.stack.mappedCount() - Math.max(1, t.depthPages) }))
      .filter((s) => s.spare > 0)
      .sort((a, b) => b.spare - a.spare || a.t.id - b.t.id);
    const want = high * total - kss.freeFrames();
    const frames = [];
    for (const { t } of sleepers) {
      if (frames.length >= want) break;
      for (let p = Math.max(1, t.depthPages); p < t.stack.pages; p++) {
        if (t.stack.mapped(p)) frames.push(kss.unmap(t.stack, p));
      }
    }
    if (frames.length === 0) return;
    kss.invalidate('broadcast');
    for (const pfn of frames) kss.freeFrame(pfn);
    kss.count('reclaimed_pages', frames.length);
    kss.log(`memory low: reclaimed ${frames.length} pages from sleeping threads`);
  },
};
