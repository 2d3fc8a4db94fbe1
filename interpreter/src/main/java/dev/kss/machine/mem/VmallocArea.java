package dev.kss.machine.mem;

import dev.kss.machine.base.SimError;
import dev.kss.machine.base.State;
import java.util.Arrays;

/**
 * One policy's part of the Linux vmalloc area (ffffc90000000000-ffffe8ffffffffff, 32 TiB,
 * Documentation/arch/x86/x86_64/mm.rst), handing out stack-sized areas.
 *
 * <p>Every area is followed by one guard page unless VM_NO_GUARD (mm/vmalloc.c
 * {@code __get_vm_area_node}: {@code size += PAGE_SIZE}); here {@code guard} pages. Stacks are
 * aligned to THREAD_SIZE (THREAD_ALIGN), so areas sit {@code roundup(size + guard, align)} apart and
 * the page below each stack is the previous area's guard or alignment gap: never mapped.
 *
 * <p>Freed areas are unmapped without a flush and their VA is held back ("lazy"): once more than
 * {@code lazy_max_pages() = fls(num_online_cpus()) * 32 MiB / PAGE_SIZE} pages wait, one
 * {@code flush_tlb_kernel_range} over all of them purges the lot (mm/vmalloc.c; vmap_lazy_nr counts
 * each area with its guard page). Slots are reused last-freed first (the kernel takes the lowest
 * fitting address; the difference does not change any metric kss reports).
 */
public final class VmallocArea {
  public static final long VMALLOC_START = 0xffffc90000000000L;
  public static final long VMALLOC_SIZE = 32L << 40;
  /** Each policy gets its own 512 GiB window, as if it ran in its own kernel. */
  public static final long WINDOW = 512L << 30;

  private final long base;
  private final long stride;
  private final long areaPages;
  private final long lazyMaxPages;
  private long nextSlot;
  private int[] free = new int[16];
  private int freeCount;
  private int[] lazy = new int[16];
  private int lazyCount;
  private long lazyPages;
  private long reservedBytes;

  public VmallocArea(int window, long stackBytes, int guardPages, int guardAbove, int pageSize, int cpus) {
    if ((long) (window + 1) * WINDOW > VMALLOC_SIZE)
      throw new SimError("too many vmalloc'd policies: the 32 TiB vmalloc area holds " + VMALLOC_SIZE / WINDOW);
    this.base = VMALLOC_START + window * WINDOW;
    long align = Long.highestOneBit(stackBytes);   // THREAD_ALIGN = THREAD_SIZE
    long area = stackBytes + (long) (guardPages + guardAbove) * pageSize;
    this.stride = (area + align - 1) / align * align;
    this.areaPages = area / pageSize;
    this.lazyMaxPages = (long) fls(cpus) * (32L << 20) / pageSize;
  }

  private VmallocArea(VmallocArea o) {
    base = o.base;
    stride = o.stride;
    areaPages = o.areaPages;
    lazyMaxPages = o.lazyMaxPages;
    nextSlot = o.nextSlot;
    free = o.free.clone();
    freeCount = o.freeCount;
    lazy = o.lazy.clone();
    lazyCount = o.lazyCount;
    lazyPages = o.lazyPages;
    reservedBytes = o.reservedBytes;
  }

  public VmallocArea copy() { return new VmallocArea(this); }

  public void state(State s) {
    s.put(nextSlot).put(free, 0, freeCount).put(lazy, 0, lazyCount).put(lazyPages).put(reservedBytes);
  }

  /** fls(): the 1-based position of the highest set bit (fls(8) = 4). */
  public static int fls(int x) { return 32 - Integer.numberOfLeadingZeros(x); }

  /** Reserves an area and returns its slot; the stack occupies {@code [slotVa(slot), slotVa(slot) + size)}. */
  public int alloc() {
    int slot;
    if (freeCount > 0) slot = free[--freeCount];
    else {
      if ((nextSlot + 1) * stride > WINDOW) throw new SimError("vmalloc window exhausted");
      slot = (int) nextSlot++;
    }
    reservedBytes += Page.bytes(areaPages);
    return slot;
  }

  public long slotVa(int slot) { return base + slot * stride; }

  /** Frees the area at once (after its own TLB flush). */
  public void freeEager(int slot) {
    reservedBytes -= Page.bytes(areaPages);
    free = push(free, freeCount++, slot);
  }

  /** Frees the area lazily; returns true when the lazy pages now exceed lazy_max_pages and a purge is due. */
  public boolean freeLazy(int slot) {
    lazy = push(lazy, lazyCount++, slot);
    lazyPages += areaPages;
    return lazyPages > lazyMaxPages;
  }

  /** The purge: every lazily freed area becomes reusable (the caller flushes the TLBs once). */
  public void purge() {
    for (int i = 0; i < lazyCount; i++) {
      reservedBytes -= Page.bytes(areaPages);
      free = push(free, freeCount++, lazy[i]);
    }
    lazyCount = 0;
    lazyPages = 0;
  }

  public long lazyPages() { return lazyPages; }

  public long lazyMaxPages() { return lazyMaxPages; }

  /** VA held by live, cached and lazily freed areas, guards included. */
  public long reservedBytes() { return reservedBytes; }

  private static int[] push(int[] a, int n, int v) {
    if (n == a.length) a = Arrays.copyOf(a, n * 2);
    a[n] = v;
    return a;
  }
}
