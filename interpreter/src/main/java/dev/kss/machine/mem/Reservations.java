package dev.kss.machine.mem;

import java.util.TreeMap;

/**
 * FreeBSD's superpage reservations for one VM object (sys/vm/vm_reserv.c): the object's pindex
 * space is cut into 512-page runs; the first page allocated in a run reserves a whole 2 MiB
 * (order-9) block, and the run's pages come from it at {@code block + (pindex & 511)}. A population
 * bitmap says which are in use. A full reservation can be mapped with one 2 MiB page; when the last
 * page of a reservation is freed, the block goes back to the buddy allocator. (Breaking a partial
 * reservation under memory pressure is not modelled: scenarios here never run short.)
 *
 * <p>{@code pg_color} is 0 for kernel objects (vm_object.c {@code _vm_object_allocate}), so a run is
 * simply {@code pindex >> 9}.
 */
public final class Reservations implements java.io.Serializable {
  public static final int PAGES = 512;

  private static final class Reservation implements java.io.Serializable {
    final int block;
    final long[] popmap = new long[PAGES / 64];
    int popcnt;

    Reservation(int block) { this.block = block; }

    boolean has(int i) { return (popmap[i >>> 6] & (1L << i)) != 0; }
  }

  private final PhysicalMemory memory;
  /** Ordered by run, so the pattern reads in pindex order. */
  private final TreeMap<Long, Reservation> runs = new TreeMap<>();
  private long populated;

  public Reservations(PhysicalMemory memory) { this.memory = memory; }

  /** Whether backing {@code pindex} needs a new 2 MiB block (for the cost model). */
  public boolean needsNewReservation(long pindex) { return !runs.containsKey(pindex >>> 9); }

  /** The frame backing {@code pindex}, reserving a 2 MiB block for its run if this is the run's first page. */
  public int allocPage(long pindex, int cpu) {
    Reservation r = runs.get(pindex >>> 9);
    if (r == null) {
      r = new Reservation(memory.alloc(9, cpu));
      runs.put(pindex >>> 9, r);
    }
    int i = (int) (pindex & (PAGES - 1));
    if (r.has(i)) throw new IllegalStateException("pindex " + pindex + " is already populated");
    r.popmap[i >>> 6] |= 1L << i;
    r.popcnt++;
    populated++;
    return r.block + i;
  }

  public void freePage(long pindex, int cpu) {
    Reservation r = runs.get(pindex >>> 9);
    int i = (int) (pindex & (PAGES - 1));
    if (r == null || !r.has(i)) throw new IllegalStateException("pindex " + pindex + " is not populated");
    r.popmap[i >>> 6] &= ~(1L << i);
    r.popcnt--;
    populated--;
    if (r.popcnt == 0) {
      runs.remove(pindex >>> 9);
      memory.free(r.block, 9, cpu);
    }
  }

  public long full() { return runs.values().stream().filter(r -> r.popcnt == PAGES).count(); }

  public long partial() { return runs.size() - full(); }

  /** Frames reserved (whole 2 MiB blocks) and frames of them that back pages. */
  public long reservedFrames() { return (long) runs.size() * PAGES; }

  public long populatedFrames() { return populated; }

  /**
   * One letter a reservation, in pindex order: F full; B populated from its start with a free tail;
   * E populated up to its end after a free head; H any other partial one (holes inside).
   * Alan Cox's review comment on D38852 reads an import as EFFFB.
   */
  public String pattern() {
    StringBuilder sb = new StringBuilder();
    for (Reservation r : runs.values()) sb.append(letter(r));
    return sb.toString();
  }

  private static char letter(Reservation r) {
    if (r.popcnt == PAGES) return 'F';
    int first = 0;
    while (!r.has(first)) first++;
    int last = PAGES - 1;
    while (!r.has(last)) last--;
    boolean dense = last - first + 1 == r.popcnt;
    if (dense && first == 0) return 'B';
    if (dense && last == PAGES - 1) return 'E';
    return 'H';
  }
}
