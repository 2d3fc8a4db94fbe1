package dev.kss.machine.mem;

import dev.kss.machine.base.Copier;
import dev.kss.machine.base.State;

/**
 * A thread's kernel stack as memory: its VA range, which of its pages are mapped, and how deep it is
 * in use. Pages are numbered from the top (page 0 holds {@code [top - 4 KiB, top)}), the order in
 * which a downward-growing stack uses them; {@code depth d} uses pages {@code 0 .. ceil(d / 4 KiB) - 1}.
 * It belongs to one policy ({@code policy}, the policy's number), which made it and frees it.
 */
public final class KernelStack {
  /** Its number among the machine's stacks (for copying). */
  public final int serial;
  /** The policy that made it. */
  public final int policy;
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
  private boolean live = true;
  /** Bytes in use now, and the deepest so far. */
  public long depth, deepest;
  /**
   * What the policy's hooks (PolicyHooks: a JS policy) keep for this stack, null for none.
   * Theirs, not the model's: not part of its state, not copied.
   */
  public Object hookView;

  public KernelStack(int serial, int policy, long top, int pages, long handle, long pindexBase, boolean directMapped) {
    this.serial = serial;
    this.policy = policy;
    this.top = top;
    this.pages = pages;
    this.handle = handle;
    this.pindexBase = pindexBase;
    this.directMapped = directMapped;
    this.more = pages > 64 ? new long[(pages - 1) >>> 6] : null;
    if (directMapped) for (int i = 0; i < pages; i++) setMapped(i, true);
  }

  private KernelStack(KernelStack o) {
    serial = o.serial;
    policy = o.policy;
    top = o.top;
    pages = o.pages;
    handle = o.handle;
    pindexBase = o.pindexBase;
    directMapped = o.directMapped;
    mapped = o.mapped;
    more = o.more == null ? null : o.more.clone();
    mappedCount = o.mappedCount;
    live = o.live;
    depth = o.depth;
    deepest = o.deepest;
  }

  /** This stack's copy in the machine being copied. */
  public static KernelStack copy(KernelStack s, Copier c) { return c.copy(Copier.STACK, s == null ? 0 : s.serial, s, (o, x) -> new KernelStack(o)); }

  public long pageVa(int page) { return top - Page.bytes(page + 1); }

  public boolean isMapped(int page) {
    return ((page < 64 ? mapped : more[(page >>> 6) - 1]) & (1L << page)) != 0;
  }

  public int mappedCount() { return mappedCount; }

  public boolean live() { return live; }

  /** Owned by a live thread now (true), or free: dead, cached or waiting to be freed (false). */
  public void setLive(boolean on) { live = on; }

  public long size() { return Page.bytes(pages); }

  public void setMapped(int page, boolean on) {
    if (isMapped(page) == on) throw new IllegalStateException("page " + page + " already " + (on ? "mapped" : "unmapped"));
    if (page < 64) mapped ^= 1L << page;
    else more[(page >>> 6) - 1] ^= 1L << page;
    mappedCount += on ? 1 : -1;
  }

  public void state(State s) { s.put(stateHash()); }

  /** What matters of it, hashed (its serial only says in which order stacks were made). */
  public long stateHash() {
    long h = State.mix(State.mix(State.mix(top, (long) policy << 32 | pages), handle), pindexBase);
    h = State.mix(State.mix(State.mix(h, mapped), live ? depth : ~depth), deepest);
    if (more != null) for (long w : more) h = State.mix(h, w);
    return h;
  }

  /** Whether {@code o} is the same stack in the same state (everything {@link #stateHash} reads). */
  public boolean sameState(KernelStack o) {
    return top == o.top && policy == o.policy && pages == o.pages && handle == o.handle && pindexBase == o.pindexBase
        && mapped == o.mapped && live == o.live && depth == o.depth && deepest == o.deepest && java.util.Arrays.equals(more, o.more);
  }

  /** The page that holds the byte at {@code offset} below the top ({@code offset >= 1}). */
  public static int pageOf(long offset) { return (int) ((offset - 1) >>> Page.SHIFT); }

  /** Pages in use at depth {@code bytes}. */
  public static int pagesFor(long bytes) { return Page.count(bytes); }

  @Override public String toString() { return "stack 0x" + Long.toHexString(top); }
}
