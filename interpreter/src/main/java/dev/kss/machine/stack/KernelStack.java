package dev.kss.machine.stack;

/**
 * A thread's stack: its VA range, which of its pages are mapped, and how deep it is in use.
 * Pages are numbered from the top (page 0 holds {@code [top - 4 KiB, top)}), the order in which a
 * downward-growing stack uses them; {@code depth d} uses pages {@code 0 .. ceil(d / 4 KiB) - 1}.
 */
public final class KernelStack implements java.io.Serializable {
  public final Policy policy;
  /** The VA just above the stack's highest byte. */
  public final long top;
  public final int pages;
  /** vmalloc slot, or arena slot lin; for direct and heap stacks the first frame. */
  public final long handle;
  /** For arena stacks: the kstack_object pindex of the lowest page. */
  public final long pindexBase;
  /** Direct-mapped and malloc'ed stacks are contiguous frames, always resident, with no PTEs of their own. */
  public final boolean directMapped;
  /** Pages 0-63 (every stack of today's policies); pages from 64 on, in {@code more}. */
  private long mapped;
  private final long[] more;
  private int mappedCount;
  /** Owned by a live thread (its pages count in stacks.resident), not dead or cached. */
  boolean live = true;
  /** Bytes in use now, and the deepest so far. */
  public long depth, deepest;
  /**
   * What the policy's hooks (PolicyHooks: a JS policy) keep for this stack (dev.kss.js.StackView,
   * its number among them), null for none. Theirs, not the model's: not part of a snapshot.
   */
  public transient Object hookView;

  KernelStack(Policy policy, long top, int pages, long handle, long pindexBase, boolean directMapped) {
    this.policy = policy;
    this.top = top;
    this.pages = pages;
    this.handle = handle;
    this.pindexBase = pindexBase;
    this.directMapped = directMapped;
    this.more = pages > 64 ? new long[(pages - 1) >>> 6] : null;
    if (directMapped) for (int i = 0; i < pages; i++) setMapped(i, true);
  }

  public long pageVa(int page) { return top - (long) (page + 1) * 4096; }

  public boolean isMapped(int page) {
    return ((page < 64 ? mapped : more[(page >>> 6) - 1]) & (1L << page)) != 0;
  }

  public int mappedCount() { return mappedCount; }

  public boolean live() { return live; }

  void setMapped(int page, boolean on) {
    if (isMapped(page) == on) throw new IllegalStateException("page " + page + " already " + (on ? "mapped" : "unmapped"));
    if (page < 64) mapped ^= 1L << page;
    else more[(page >>> 6) - 1] ^= 1L << page;
    mappedCount += on ? 1 : -1;
  }

  /** The page that holds the byte at {@code offset} below the top ({@code offset >= 1}). */
  public static int pageOf(long offset) { return (int) ((offset - 1) >>> 12); }

  /** Pages in use at depth {@code bytes}. */
  public static int pagesFor(long bytes) { return (int) ((bytes + 4095) >>> 12); }
}
