package dev.kss.machine.mem;

import dev.kss.machine.base.State;
import java.util.Arrays;

/**
 * The kernel half of the x86-64 4-level page table (PML4, PDPT, PD, PT), 48-bit canonical
 * addresses. Page-table pages are real frames, allocated when a mapping first needs them and
 * counted per owner (the policy whose stacks they map) for {@code stacks.pagetables}; like the
 * kernel's, they are not freed when they empty.
 *
 * <p>A PTE is one long: present, accessed, global and page-size bits, the frame, and a generation
 * that grows on every change of the entry. A TLB entry remembers the generation it was filled
 * from, so an access through an entry that outlived an unmap or a remap is caught in O(1)
 * (David Laight's counter-example, LKML 18 March 2024).
 *
 * <p>A copy shares the tables with the original; a table that is about to be written and may be
 * seen by another copy is copied first, with the path above it (a persistent trie).
 */
public final class PageTable {
  public static final long PRESENT = 1, ACCESSED = 2, GLOBAL = 4, PAGE_SIZE_2M = 8;
  private static final int PFN_SHIFT = 4, GEN_SHIFT = 36;
  private static final long PFN_MASK = (1L << 32) - 1;

  private final PhysicalMemory memory;
  /** The PML4: entries for the upper half; children are PDPTs, then PDs, then PTs (leaves). */
  private Table pml4 = new Table();
  private long[] tablesByOwner = new long[4];
  private long tables;

  public PageTable(PhysicalMemory memory) { this.memory = memory; }

  private PageTable(PageTable o, PhysicalMemory memory) {
    this.memory = memory;
    pml4 = o.pml4;
    pml4.shared = true;   // and with it everything below: neither side may write in place any more
    o.writeRegion = 0;
    o.writeLeaf = null;
    tablesByOwner = o.tablesByOwner.clone();
    tables = o.tables;
  }

  /** A copy over {@code memory} (the copy of this table's memory). */
  public PageTable copy(PhysicalMemory memory) { return new PageTable(this, memory); }

  public static boolean present(long pte) { return (pte & PRESENT) != 0; }
  public static boolean accessed(long pte) { return (pte & ACCESSED) != 0; }
  public static int pfn(long pte) { return (int) ((pte >>> PFN_SHIFT) & PFN_MASK); }
  public static int gen(long pte) { return (int) (pte >>> GEN_SHIFT); }

  /** The PTE that maps {@code va}, or 0 when no page table covers it. */
  public long pte(long va) {
    Leaf pt = find(va);
    return pt == null ? 0 : pt.pte[ptIndex(va)];
  }

  /** Maps {@code va} to {@code pfn} (present, global); page-table pages come from {@code cpu}'s node. */
  public void map(long va, int pfn, int owner, int cpu) {
    Leaf pt = writable(va, true, owner, cpu);
    int i = ptIndex(va);
    long old = pt.pte[i];
    if (present(old)) throw new IllegalStateException("va " + Long.toHexString(va) + " is already mapped");
    pt.pte[i] = ((long) (gen(old) + 1) << GEN_SHIFT) | ((long) pfn << PFN_SHIFT) | PRESENT | GLOBAL;
  }

  /** Clears the PTE of {@code va} (no TLB flush: that is the caller's business) and returns its frame. */
  public int unmap(long va) {
    Leaf pt = find(va) == null ? null : writable(va, false, 0, 0);
    int i = ptIndex(va);
    if (pt == null || !present(pt.pte[i])) throw new IllegalStateException("va " + Long.toHexString(va) + " is not mapped");
    long old = pt.pte[i];
    pt.pte[i] = (long) (gen(old) + 1) << GEN_SHIFT;
    return pfn(old);
  }

  /** A page walk that uses the entry sets its accessed bit (a speculative fill may not). */
  public void setAccessed(long va) {
    Leaf pt = find(va);
    if (pt == null || accessed(pt.pte[ptIndex(va)])) return;
    writable(va, false, 0, 0).pte[ptIndex(va)] |= ACCESSED;
  }

  public void clearAccessed(long va) {
    Leaf pt = find(va);
    if (pt == null || !accessed(pt.pte[ptIndex(va)])) return;
    writable(va, false, 0, 0).pte[ptIndex(va)] &= ~ACCESSED;
  }

  /** Page-table pages (PDPT, PD and PT levels) allocated for {@code owner}'s mappings. */
  public long tablePages(int owner) { return owner < tablesByOwner.length ? tablesByOwner[owner] : 0; }

  public long tablePages() { return tables; }

  private static int ptIndex(long va) { return (int) (va >>> 12) & 511; }

  /** The last leaf walked to and the 2 MiB region it maps (va >>> 21; 0 never matches a kernel va). */
  private long lastRegion;
  private Leaf lastLeaf;
  /**
   * The last leaf written and its region: this table's own, reached through tables of its own (a
   * leaf not flagged shared may still hang below a shared table, so only a walk from the root says
   * it may be written in place). Forgotten when the table is copied.
   */
  private long writeRegion;
  private Leaf writeLeaf;

  /** The leaf that covers {@code va}, for reading, or null. */
  private Leaf find(long va) {
    long region = va >>> 21;
    if (region == lastRegion) return lastLeaf;   // leaves are never freed, and a leaf copied for writing replaces the cache
    if (va >= 0) throw new IllegalArgumentException("not a kernel address: " + Long.toHexString(va));
    Table pdpt = (Table) pml4.kids[(int) (va >>> 39) & 511];
    if (pdpt == null) return null;
    Table pd = (Table) pdpt.kids[(int) (va >>> 30) & 511];
    if (pd == null) return null;
    Leaf pt = (Leaf) pd.kids[(int) (va >>> 21) & 511];
    if (pt != null) { lastRegion = region; lastLeaf = pt; }
    return pt;
  }

  /** The leaf that covers {@code va}, this table's own for writing (made, or copied with its path, as needed). */
  private Leaf writable(long va, boolean create, int owner, int cpu) {
    if (va >>> 21 == writeRegion) {
      writeLeaf.hashed = false;
      return writeLeaf;
    }
    if (va >= 0) throw new IllegalArgumentException("not a kernel address: " + Long.toHexString(va));
    if (pml4.shared) pml4 = pml4.unshared();
    Table pdpt = (Table) child(pml4, (int) (va >>> 39) & 511, create, false, owner, cpu);
    if (pdpt == null) return null;
    Table pd = (Table) child(pdpt, (int) (va >>> 30) & 511, create, false, owner, cpu);
    if (pd == null) return null;
    Leaf pt = (Leaf) child(pd, (int) (va >>> 21) & 511, create, true, owner, cpu);
    if (pt != null) {
      pt.hashed = false;
      lastRegion = writeRegion = va >>> 21;
      lastLeaf = writeLeaf = pt;
    }
    return pt;
  }

  /** Child {@code i} of {@code table} (which is this page table's own), its own too: made when {@code create}. */
  private Object child(Table table, int i, boolean create, boolean leaf, int owner, int cpu) {
    Object t = table.kids[i];
    if (t == null && create) {
      memory.alloc(0, cpu);   // the page-table page itself is a real frame
      t = table.kids[i] = leaf ? new Leaf() : new Table();
      if (owner >= tablesByOwner.length) tablesByOwner = Arrays.copyOf(tablesByOwner, owner * 2 + 2);
      tablesByOwner[owner]++;
      tables++;
    } else if (t instanceof Table x && x.shared) {
      t = table.kids[i] = x.unshared();
    } else if (t instanceof Leaf x && x.shared) {
      t = table.kids[i] = new Leaf(x);
    }
    return t;
  }

  public void state(State s) {
    s.put(pml4);
    s.put(tablesByOwner, 0, tablesByOwner.length).put(tables);
  }

  /** A PML4, PDPT or PD: 512 entries, each a table of the level below or null. */
  private static final class Table implements State.Part {
    final Object[] kids;
    boolean shared;

    Table() { kids = new Object[512]; }

    Table(Object[] kids) { this.kids = kids; }

    /** A copy of its own; its children are now seen by two tables, so neither may write them. */
    Table unshared() {
      Object[] k = kids.clone();
      for (Object o : k) {
        if (o instanceof Table t) t.shared = true;
        else if (o instanceof Leaf l) l.shared = true;
      }
      return new Table(k);
    }

    /** Not cached (a leaf's change would have to reach every table above it): three sparse levels to walk. */
    @Override public long stateHash() {
      long h = 17;
      for (int i = 0; i < 512; i++) if (kids[i] instanceof State.Part p) h = State.mix(State.mix(h, i), p.stateHash());
      return h;
    }

    @Override public boolean sameState(State.Part other) {
      Object[] b = ((Table) other).kids;
      for (int i = 0; i < 512; i++) {
        Object x = kids[i], y = b[i];
        if (x == y) continue;
        if (x == null || y == null || x.getClass() != y.getClass() || !((State.Part) x).sameState((State.Part) y)) return false;
      }
      return true;
    }
  }

  /** A PT: 512 PTEs. */
  private static final class Leaf implements State.Part {
    final long[] pte;
    boolean shared, hashed;
    long hash;

    Leaf() { pte = new long[512]; }

    Leaf(Leaf o) { pte = o.pte.clone(); }

    @Override public long stateHash() {
      if (!hashed) {
        long h = 31;
        for (int i = 0; i < 512; i++) if (pte[i] != 0) h = State.mix(State.mix(h, i), pte[i]);
        hash = h;
        hashed = true;
      }
      return hash;
    }

    @Override public boolean sameState(State.Part other) { return Arrays.equals(pte, ((Leaf) other).pte); }
  }
}
