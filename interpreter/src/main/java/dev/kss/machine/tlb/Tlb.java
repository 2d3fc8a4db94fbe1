package dev.kss.machine.tlb;

import dev.kss.machine.base.State;
import java.util.Arrays;

/**
 * One CPU's data TLB: an L1 dTLB and a second-level STLB, each set-associative with LRU
 * replacement. Only kernel stack mappings pass through it, and those are global (they survive CR3
 * switches, so PCIDs never come into play for them); a fill goes into both levels.
 *
 * <p>An entry remembers the frame and the PTE generation it was filled from. With 16 KiB coalescing
 * (AMD's PTE coalescing; exact rules unsourced, we take: four PTEs, VA 16 KiB-aligned, frames
 * contiguous and 16 KiB-aligned) one entry covers four pages and remembers four generations.
 *
 * <p>Every lookup changes it (the LRU stamps), so a TLB shared with a copy of the machine is never
 * used again: the MMU that uses it next takes a {@link #copy} first ({@link #share}).
 */
public final class Tlb implements State.Part {
  /** One cached translation as the caller sees it. */
  public static final int MISS = -1;

  private final Level l1, stlb;
  private long clock;
  private final int[] one = new int[4];

  private boolean shared;
  /** Bumped by every change a lookup does not make (fills, invalidations, flushes); with the clock it dates the cached hash. */
  private long version;
  private long hashClock = -1, hashVersion = -1, hash;

  public Tlb(TlbConfig c) {
    l1 = new Level(c.l1Entries, c.l1Ways, c.coalesce16k);
    stlb = new Level(c.stlbEntries, c.stlbWays, c.coalesce16k);
  }

  private Tlb(Tlb o) {
    l1 = new Level(o.l1);
    stlb = new Level(o.stlb);
    clock = o.clock;
  }

  /** From now on another machine may see it: nobody writes it again. */
  void share() { shared = true; }

  boolean isShared() { return shared; }

  /** A copy of its own, for the MMU that uses it next. */
  Tlb copy() { return new Tlb(this); }

  @Override public long stateHash() {
    if (hashClock != clock || hashVersion != version) {
      hash = l1.hash(stlb.hash(clock));
      hashClock = clock;
      hashVersion = version;
    }
    return hash;
  }

  @Override public boolean sameState(State.Part other) {
    Tlb b = (Tlb) other;
    return clock == b.clock && l1.same(b.l1) && stlb.same(b.stlb);
  }

  /** A change besides a lookup's LRU stamps (a lookup moves the clock, which dates the hash too). */
  private void write() {
    if (shared) throw new IllegalStateException("a shared TLB is written");
    version++;
  }

  /**
   * Looks {@code vpn} up; returns the generation the entry was filled with for that page and its
   * frame packed as {@code gen << 32 | pfn}, or -1 on a miss.
   */
  public long lookup(long vpn) {
    clock++;   // a shared TLB is never looked up: the MMU copies it first
    long r = l1.lookup(vpn, clock);
    if (r != MISS) return r;
    r = stlb.lookup(vpn, clock);
    if (r != MISS) { int w = stlb.lastWay; l1.fill(stlb.tag[w], stlb.pfn[w], stlb.gen, w * 4, clock); }
    return r;
  }

  /** Fills one page's translation. */
  public void fill(long vpn, int pfn, int gen) {
    write();
    clock++;
    one[0] = gen;
    l1.fill(vpn, pfn, one, 0, clock);
    stlb.fill(vpn, pfn, one, 0, clock);
  }

  /** Fills one coalesced entry for the four pages from {@code vpnBase} (16 KiB-aligned). */
  public void fillCoalesced(long vpnBase, int pfnBase, int[] gens) {
    write();
    clock++;
    long tag = vpnBase | COALESCED;
    l1.fill(tag, pfnBase, gens, 0, clock);
    stlb.fill(tag, pfnBase, gens, 0, clock);
  }

  /** INVLPG: drops any entry covering {@code vpn}. */
  public void invalidate(long vpn) {
    write();
    l1.invalidate(vpn);
    stlb.invalidate(vpn);
  }

  /** A full flush, global entries included. */
  public void flushAll() {
    write();
    l1.flush();
    stlb.flush();
  }

  /** Entries in use in the STLB, for the REPL's :show tlb. */
  public int entries() { return stlb.used(); }

  /** Visits the STLB's valid entries: vpn (first page), pages covered, frame, generation of the first page. */
  public void forEach(EntryVisitor v) { stlb.forEach(v); }

  public interface EntryVisitor { void visit(long vpn, int pages, int pfn, int gen); }

  static final long COALESCED = 1L << 62;
  private static final long INVALID = -1;

  private static final class Level {
    final int sets, ways;
    final boolean coalesce;
    final long[] tag;
    final int[] pfn;
    final int[] gen;   // 4 per entry
    final long[] stamp;
    /** The way of the last hit. */
    int lastWay;

    Level(int entries, int ways, boolean coalesce) {
      this.ways = ways;
      this.coalesce = coalesce;
      this.sets = entries / ways;
      tag = new long[entries];
      Arrays.fill(tag, INVALID);
      pfn = new int[entries];
      gen = new int[entries * 4];
      stamp = new long[entries];
    }

    Level(Level o) {
      sets = o.sets;
      ways = o.ways;
      coalesce = o.coalesce;
      tag = o.tag.clone();
      pfn = o.pfn.clone();
      gen = o.gen.clone();
      stamp = o.stamp.clone();
      lastWay = o.lastWay;
    }

    /** The valid entries: what they translate and their LRU stamps. */
    long hash(long h) {
      for (int w = 0; w < tag.length; w++) {
        if (tag[w] == INVALID) continue;
        h = State.mix(State.mix(State.mix(h, w), tag[w]), (long) pfn[w] << 32 ^ stamp[w]);
        for (int i = 0; i < 4; i++) h = State.mix(h, gen[w * 4 + i]);
      }
      return h;
    }

    boolean same(Level b) {
      for (int w = 0; w < tag.length; w++) {
        if (tag[w] != b.tag[w]) return false;
        if (tag[w] == INVALID) continue;
        if (pfn[w] != b.pfn[w] || stamp[w] != b.stamp[w]) return false;
        for (int i = 0; i < 4; i++) if (gen[w * 4 + i] != b.gen[w * 4 + i]) return false;
      }
      return true;
    }

    /** With coalescing, the four pages of a 16 KiB group share a set, so one lookup finds either kind of entry. */
    private int set(long t) {
      long vpn = t & ~COALESCED;
      return (int) ((coalesce ? vpn >>> 2 : vpn) & (sets - 1));
    }

    long lookup(long vpn, long now) {
      long r = find(vpn, now);
      if (r != MISS || !coalesce) return r;
      return find((vpn & ~3L) | COALESCED, now, (int) (vpn & 3));
    }

    private long find(long vpn, long now) { return find(vpn, now, 0); }

    private long find(long t, long now, int sub) {
      int s = set(t) * ways;
      for (int w = s; w < s + ways; w++) {
        if (tag[w] == t) {
          stamp[w] = now;
          lastWay = w;
          return ((long) gen[w * 4 + sub] << 32) | ((pfn[w] + sub) & 0xffffffffL);
        }
      }
      return MISS;
    }

    void fill(long t, int p, int[] gens, int off, long now) {
      int s = set(t) * ways;
      int victim = s;
      for (int w = s; w < s + ways; w++) {
        if (tag[w] == t || tag[w] == INVALID) { victim = w; break; }
        if (stamp[w] < stamp[victim]) victim = w;
      }
      tag[victim] = t;
      pfn[victim] = p;
      System.arraycopy(gens, off, gen, victim * 4, 4);
      stamp[victim] = now;
    }

    void invalidate(long vpn) {
      drop(vpn);
      if (coalesce) drop((vpn & ~3L) | COALESCED);
    }

    private void drop(long t) {
      int s = set(t) * ways;
      for (int w = s; w < s + ways; w++) if (tag[w] == t) tag[w] = INVALID;
    }

    void flush() { Arrays.fill(tag, INVALID); }

    int used() {
      int n = 0;
      for (long t : tag) if (t != INVALID) n++;
      return n;
    }

    void forEach(EntryVisitor v) {
      for (int w = 0; w < tag.length; w++) {
        if (tag[w] == INVALID) continue;
        boolean c = (tag[w] & COALESCED) != 0;
        v.visit(tag[w] & ~COALESCED, c ? 4 : 1, pfn[w], gen[w * 4]);
      }
    }
  }
}
