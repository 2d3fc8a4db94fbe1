package dev.kss.machine.mem;

import dev.kss.machine.base.SimError;
import dev.kss.machine.base.State;
import java.util.Arrays;

/**
 * FreeBSD's per-domain kstack KVA arena (sys/vm/vm_glue.c after D38852, commit 7a79d06) and the
 * kstack object's pindex for each stack page.
 *
 * <p>A slot is K = stack pages + guard pages; the guard is at the low end of the slot, since stacks
 * grow down. The arena imports {@code K * 2 MiB} of KVA aligned to 2 MiB
 * ({@code KVA_KSTACK_QUANTUM}); when the import's page index is not a multiple of K it is bumped up
 * to the next one, and the arena's import quantum is {@code K*512 - K} pages: 511 stacks an import,
 * one slot given up so the bump always fits.
 *
 * <p>pindex: {@code lin = atop(ks - VM_MIN_KERNEL_ADDRESS)}, ks the first page above the guard.
 * {@code linear} uses lin itself (D24473: "like kernel_object"), so guard pindices are never backed
 * and holes are left in every reservation; {@code contiguous} uses
 * {@code lin - (lin / K + 1) * G} (D38852), packing stack q onto pindices [4q, 4q+3].
 *
 * <p>Each policy's arena is laid out as in its own kernel: lin is counted from the start of the
 * policy's window. Where the first import lands depends on what the kernel arena already holds; we
 * place it 2 MiB into the window, which is not a multiple of K pages, so imports are bumped and read
 * EFFFB (the common case: 4 alignments in 5, freebsd-osv.md A8).
 */
public final class KstackArena {
  public static final long VM_MIN_KERNEL_ADDRESS = 0xfffffe0000000000L;
  /** 64 GiB of KVA for each policy's arena. */
  public static final long WINDOW = 64L << 30;
  public static final long FIRST_IMPORT = 2L << 20;
  private static final long QUANTUM = 2L << 20;   // KVA_KSTACK_QUANTUM on amd64: 1 << (9 + PAGE_SHIFT)

  private final long base;
  private final int k, guard;
  private final boolean contiguous;
  private long nextImport;
  private long nextSlotLin;
  private int slotsLeftInImport;
  private long[] free = new long[16];
  private int freeCount;
  private long imports;
  private long liveSlots;

  public KstackArena(int window, int stackPages, int guardPages, boolean contiguous, long firstImport) {
    this.nextImport = firstImport;
    if ((long) (window + 1) * WINDOW > (1L << 39)) throw new SimError("too many kstack arenas");
    this.base = VM_MIN_KERNEL_ADDRESS + window * WINDOW;
    this.k = stackPages + guardPages;
    this.guard = guardPages;
    this.contiguous = contiguous;
  }

  private KstackArena(KstackArena o) {
    base = o.base;
    k = o.k;
    guard = o.guard;
    contiguous = o.contiguous;
    nextImport = o.nextImport;
    nextSlotLin = o.nextSlotLin;
    slotsLeftInImport = o.slotsLeftInImport;
    free = o.free.clone();
    freeCount = o.freeCount;
    imports = o.imports;
    liveSlots = o.liveSlots;
  }

  public KstackArena copy() { return new KstackArena(this); }

  public void state(State s) {
    s.put(nextImport).put(nextSlotLin).put(slotsLeftInImport).put(free, 0, freeCount).put(imports).put(liveSlots);
  }

  /** Reserves a slot; returns its lin (page index of the slot's first page, the low guard). */
  public long alloc() {
    liveSlots++;
    if (freeCount > 0) return free[--freeCount];
    if (slotsLeftInImport == 0) importKva();
    slotsLeftInImport--;
    long lin = nextSlotLin;
    nextSlotLin += k;
    return lin;
  }

  public void free(long slotLin) {
    liveSlots--;
    if (freeCount == free.length) free = Arrays.copyOf(free, freeCount * 2);
    free[freeCount++] = slotLin;
  }

  private void importKva() {
    long importBytes = QUANTUM * k;
    if (nextImport + importBytes > WINDOW) throw new SimError("kstack arena exhausted");
    long lin = nextImport / Page.SIZE;
    long rem = lin % k;
    if (rem != 0) lin += k - rem;
    nextSlotLin = lin;
    slotsLeftInImport = (int) ((k * 512L - k) / k);
    nextImport += importBytes;
    imports++;
  }

  /** The VA of the top of the stack in slot {@code slotLin}. */
  public long top(long slotLin) { return base + Page.bytes(slotLin + k); }

  /** The kstack_object pindex of the stack's lowest page; page n above it is at {@code + n}. */
  public long pindexBase(long slotLin) {
    long lin = slotLin + guard;   // ks: the first page above the guard
    if (!contiguous || guard == 0) return lin;
    return lin - (lin / k + 1) * guard;
  }

  public long imports() { return imports; }

  /** VA of live slots, guards included. */
  public long reservedBytes() { return Page.bytes(liveSlots * k); }
}
