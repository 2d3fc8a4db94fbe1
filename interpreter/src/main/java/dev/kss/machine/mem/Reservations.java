package dev.kss.machine.mem;

import dev.kss.machine.base.State;
import java.util.Map;
import java.util.TreeMap;

/**
 * FreeBSD's superpage reservations for one VM object (sys/vm/vm_reserv.c): the object's pindex
 * space is cut into 512-page runs; the first page allocated in a run reserves a whole 2 MiB
 * (order-9) block, and the run's pages come from it at {@code block + (pindex & 511)}. A population
 * bitmap says which are in use. A full reservation can be mapped with one 2 MiB page; when the last
 * page of a reservation is freed, the block goes back to the buddy allocator. When memory runs
 * short, the partial reservation changed least recently is broken (vm_reserv_reclaim_inactive,
 * vm_reserv_break): its unpopulated frames go back to the buddy allocator, its populated pages stay
 * where they are, and later pages of its run come from the buddy allocator one by one.
 *
 * <p>{@code pg_color} is 0 for kernel objects (vm_object.c {@code _vm_object_allocate}), so a run is
 * simply {@code pindex >> 9}.
 */
public final class Reservations {
  public static final int PAGES = 512;

  private static final class Reservation {
    final int block;
    final long[] popmap = new long[PAGES / 64];
    int popcnt;
    /** Broken: the frame of each populated page, no longer one block. */
    int[] frames;
    /** When it last changed, for breaking the least recently changed one first (partpopq's LRU). */
    long tick;

    Reservation(int block) { this.block = block; }

    Reservation(Reservation o) {
      block = o.block;
      System.arraycopy(o.popmap, 0, popmap, 0, popmap.length);
      popcnt = o.popcnt;
      frames = o.frames == null ? null : o.frames.clone();
      tick = o.tick;
    }

    boolean has(int i) { return (popmap[i >>> 6] & (1L << i)) != 0; }
  }

  private final PhysicalMemory memory;
  /** Ordered by run, so the pattern reads in pindex order. */
  private final TreeMap<Long, Reservation> runs = new TreeMap<>();
  private long populated;
  private long ticks;
  private long broken;

  public Reservations(PhysicalMemory memory) {
    this.memory = memory;
    memory.addReclaimer(this::breakOne);
  }

  private Reservations(Reservations o, PhysicalMemory memory) {
    this.memory = memory;
    for (Map.Entry<Long, Reservation> e : o.runs.entrySet()) runs.put(e.getKey(), new Reservation(e.getValue()));
    populated = o.populated;
    ticks = o.ticks;
    broken = o.broken;
    memory.addReclaimer(this::breakOne);
  }

  /** The copy over {@code memory} (the copy of this one's memory), registered with it as this one was. */
  public Reservations copy(PhysicalMemory memory) { return new Reservations(this, memory); }

  public void state(State s) {
    s.put(runs.size()).put(populated).put(ticks).put(broken);
    for (Map.Entry<Long, Reservation> e : runs.entrySet()) {
      Reservation r = e.getValue();
      s.put(e.getKey()).put(r.block).put(r.popmap, 0, r.popmap.length).put(r.tick);
      if (r.frames != null) s.put(r.frames, 0, r.frames.length);
    }
  }

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
    int pfn = r.frames == null ? r.block + i : (r.frames[i] = memory.alloc(0, cpu));
    r.popmap[i >>> 6] |= 1L << i;
    r.popcnt++;
    r.tick = ++ticks;
    populated++;
    return pfn;
  }

  public void freePage(long pindex, int cpu) {
    Reservation r = runs.get(pindex >>> 9);
    int i = (int) (pindex & (PAGES - 1));
    if (r == null || !r.has(i)) throw new IllegalStateException("pindex " + pindex + " is not populated");
    r.popmap[i >>> 6] &= ~(1L << i);
    r.popcnt--;
    r.tick = ++ticks;
    populated--;
    if (r.frames != null) memory.free(r.frames[i], 0, cpu);
    if (r.popcnt == 0) {
      runs.remove(pindex >>> 9);
      if (r.frames == null) memory.free(r.block, 9, cpu);
    }
  }

  /** vm_reserv_break() of the partial reservation changed least recently; false when there is none. */
  private boolean breakOne(int cpu) {
    Reservation oldest = null;
    for (Reservation r : runs.values())
      if (r.frames == null && r.popcnt < PAGES && (oldest == null || r.tick < oldest.tick)) oldest = r;
    if (oldest == null) return false;
    oldest.frames = new int[PAGES];
    for (int i = 0; i < PAGES; i++) {
      if (oldest.has(i)) oldest.frames[i] = oldest.block + i;
      else memory.free(oldest.block + i, 0, cpu);
    }
    broken++;
    return true;
  }

  public long broken() { return broken; }

  public long full() { return runs.values().stream().filter(r -> r.frames == null && r.popcnt == PAGES).count(); }

  public long partial() { return runs.values().stream().filter(r -> r.frames == null && r.popcnt < PAGES).count(); }

  /** Frames reserved (whole 2 MiB blocks, broken ones only for their pages) and frames that back pages. */
  public long reservedFrames() {
    long n = 0;
    for (Reservation r : runs.values()) n += r.frames == null ? PAGES : r.popcnt;
    return n;
  }

  public long populatedFrames() { return populated; }

  /**
   * One letter a reservation, in pindex order: F full; B populated from its start with a free tail;
   * E populated up to its end after a free head; H any other partial one (holes inside); X broken.
   * Alan Cox's review comment on D38852 reads an import as EFFFB.
   */
  public String pattern() {
    StringBuilder sb = new StringBuilder();
    for (Reservation r : runs.values()) sb.append(letter(r));
    return sb.toString();
  }

  private static char letter(Reservation r) {
    if (r.frames != null) return 'X';
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
