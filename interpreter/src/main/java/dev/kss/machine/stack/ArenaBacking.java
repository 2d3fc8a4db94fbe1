package dev.kss.machine.stack;

import dev.kss.machine.base.State;
import dev.kss.machine.cost.CostModel.Primitive;
import dev.kss.machine.mem.KernelStack;
import dev.kss.machine.mem.KstackArena;
import dev.kss.machine.mem.Reservations;
import dev.kss.machine.tlb.Invalidate;

/**
 * {@code backing arena}: FreeBSD's kstack arena (sys/vm/vm_glue.c), pages from the kstack object's
 * superpage reservations (sys/vm/vm_reserv.c) at each page's pindex.
 */
final class ArenaBacking extends StackBacking {
  final KstackArena arena;
  final Reservations reservations;

  ArenaBacking(Policy p, int window) {
    super(p);
    PolicyConfig c = p.config;
    arena = new KstackArena(window, c.stackPages(), c.guardPages, c.pindex == PolicyConfig.Pindex.CONTIGUOUS, c.arenaStart);
    reservations = new Reservations(k.memory);
  }

  private ArenaBacking(ArenaBacking o, Policy p) {
    super(p);
    arena = o.arena.copy();
    reservations = o.reservations.copy(k.memory);
  }

  @Override StackBacking copy(Policy p) { return new ArenaBacking(this, p); }

  @Override KernelStack build(int cpu) {
    long lin = arena.alloc();
    return new KernelStack(k.nextStackSerial(), p.id, arena.top(lin), p.config.stackPages(), lin, arena.pindexBase(lin), false);
  }

  /** Page by page, each from its reservation. */
  @Override void populate(KernelStack s, int n, int cpu) {
    for (int q = n - 1; q >= 0; q--) if (!s.isMapped(q)) p.pages.mapPage(s, q, cpu, false);
  }

  @Override int frame(KernelStack s, int page, int cpu) {
    long pindex = pindex(s, page);
    if (reservations.needsNewReservation(pindex)) k.charge(Primitive.RESERV_ALLOC);
    int pfn = reservations.allocPage(pindex, cpu);
    k.charge(Primitive.PAGE_ALLOC);
    return pfn;
  }

  @Override boolean takeBack(KernelStack s, int page, int pfn, int cpu) {
    reservations.freePage(pindex(s, page), cpu);
    return true;
  }

  private static long pindex(KernelStack s, int page) { return s.pindexBase + (s.pages - 1 - page); }

  /** pmap_qremove (an invalidation on every CPU), then the pages back to the object. */
  @Override void destroy(KernelStack s, int cpu) {
    p.pages.unmapBelow(s, 0, cpu, false);
    arena.free(s.handle);
  }

  /** FreeBSD's pmap_qremove always invalidates on every CPU. */
  @Override Invalidate invalidation() { return Invalidate.BROADCAST; }

  @Override long virtualBytes() { return arena.reservedBytes(); }

  @Override void state(State s) {
    arena.state(s);
    reservations.state(s);
  }
}
