package dev.kss.machine.mem;

import dev.kss.machine.base.State;
import java.util.Arrays;

/**
 * The buddy allocator of one NUMA node, orders 0 to 10 (mm/page_alloc.c, MAX_ORDER 10 as on x86-64
 * before 6.8's rename to MAX_PAGE_ORDER). Free blocks sit on one doubly linked list per order,
 * threaded through int arrays indexed by frame; a freed block merges with its buddy while the buddy
 * is free at the same order.
 *
 * <p>The node's frames are handed to the allocator lazily, one order-10 block at a time, when the
 * free lists run dry: a simulated 16 GiB machine costs memory only for the part a scenario touches.
 * (A real boot frees all memory into the lists at once; which block comes next is the same: the
 * lowest unused one.)
 *
 * <p>Shared with a copy of the machine once {@link #share} is called: then it is never written
 * again, and the memory that wants to write takes an {@link #unshared} copy first.
 */
final class BuddyAllocator implements State.Part {
  static final int MAX_ORDER = 10;
  private static final int NONE = -1;

  private final int base;
  private final int frames;
  private int frontier;
  private int[] next = new int[0];
  private int[] prev = new int[0];
  /** order + 1 at the head frame of a free block; 0 elsewhere. */
  private byte[] freeOrder = new byte[0];
  private final int[] head = new int[MAX_ORDER + 1];
  private long freeFrames;

  private boolean shared;
  private boolean hashed;
  private long hash;

  /** Frames {@code [base, base + frames)}; base must be aligned to an order-10 block. */
  BuddyAllocator(int base, int frames) {
    if (base % (1 << MAX_ORDER) != 0) throw new IllegalArgumentException("node base not aligned");
    this.base = base;
    this.frames = frames - frames % (1 << MAX_ORDER);
    Arrays.fill(head, NONE);
  }

  private BuddyAllocator(BuddyAllocator o) {
    base = o.base;
    frames = o.frames;
    frontier = o.frontier;
    next = o.next.clone();
    prev = o.prev.clone();
    freeOrder = o.freeOrder.clone();
    System.arraycopy(o.head, 0, head, 0, head.length);
    freeFrames = o.freeFrames;
  }

  void share() { shared = true; }

  boolean isShared() { return shared; }

  /** A copy of its own for the memory that writes next. */
  BuddyAllocator unshared() { return new BuddyAllocator(this); }

  /** The free lists in order, and the frontier: what the next allocations will return. */
  @Override public long stateHash() {
    if (!hashed) {
      State s = State.hashing().put(frontier);
      for (int o = 0; o <= MAX_ORDER; o++) for (int b = head[o]; b != NONE; b = next[b]) s.put(b);
      hash = s.hash();
      hashed = true;
    }
    return hash;
  }

  @Override public boolean sameState(State.Part other) {
    BuddyAllocator b = (BuddyAllocator) other;
    if (frontier != b.frontier || base != b.base) return false;
    for (int o = 0; o <= MAX_ORDER; o++) {
      int x = head[o], y = b.head[o];
      while (x != NONE && y != NONE && x == y) { x = next[x]; y = b.next[y]; }
      if (x != y) return false;
    }
    return true;
  }

  /** Allocates a block of 2^order frames and returns its first frame number, or -1 when none is left. */
  int alloc(int order) {
    if (shared) throw new IllegalStateException("a shared allocator is written");
    hashed = false;
    int o = order;
    while (o <= MAX_ORDER && head[o] == NONE) o++;
    if (o > MAX_ORDER) {
      if (!growFrontier()) return -1;
      o = MAX_ORDER;
    }
    int block = head[o];
    remove(block, o);
    while (o > order) {
      o--;
      push(block + (1 << o), o);
    }
    freeFrames -= 1L << order;
    return block + base;
  }

  void free(int pfn, int order) {
    if (shared) throw new IllegalStateException("a shared allocator is written");
    hashed = false;
    int rel = pfn - base;
    freeFrames += 1L << order;
    while (order < MAX_ORDER) {
      int buddy = rel ^ (1 << order);
      if (buddy >= frontier || freeOrder[buddy] != order + 1) break;
      remove(buddy, order);
      rel = Math.min(rel, buddy);
      order++;
    }
    push(rel, order);
  }

  long freeFrames() { return freeFrames + (frames - frontier); }

  long capacity() { return frames; }

  int base() { return base; }

  int frames() { return frames; }

  /** Whether frame {@code pfn} lies inside a free block of the lists (or above the frontier). */
  boolean isFree(int pfn) {
    int rel = pfn - base;
    if (rel >= frontier) return true;
    for (int o = 0; o <= MAX_ORDER; o++) {
      int h = rel & ~((1 << o) - 1);
      if (freeOrder[h] == o + 1) return true;
    }
    return false;
  }

  private boolean growFrontier() {
    if (frontier + (1 << MAX_ORDER) > frames) return false;
    int need = frontier + (1 << MAX_ORDER);
    if (need > next.length) {
      int cap = (int) Math.min(frames, Math.max(need, (long) next.length * 2));
      next = Arrays.copyOf(next, cap);
      prev = Arrays.copyOf(prev, cap);
      freeOrder = Arrays.copyOf(freeOrder, cap);
    }
    push(frontier, MAX_ORDER);
    frontier = need;
    freeFrames += 1 << MAX_ORDER;
    return true;
  }

  private void push(int rel, int order) {
    freeOrder[rel] = (byte) (order + 1);
    int h = head[order];
    next[rel] = h;
    prev[rel] = NONE;
    if (h != NONE) prev[h] = rel;
    head[order] = rel;
  }

  private void remove(int rel, int order) {
    freeOrder[rel] = 0;
    int n = next[rel], p = prev[rel];
    if (p != NONE) next[p] = n; else head[order] = n;
    if (n != NONE) prev[n] = p;
  }
}
