package dev.kss.machine.mem;

/**
 * The kernel half of the x86-64 4-level page table (PML4, PDPT, PD, PT), 48-bit canonical
 * addresses. Page-table pages are real frames, allocated when a mapping first needs them and
 * counted per owner (the policy whose stacks they map) for {@code stacks.pagetables}; like the
 * kernel's, they are not freed when they empty.
 *
 * <p>A PTE is one long: present, accessed, global and page-size bits, the frame, and a generation
 * that grows on every change of the entry. A TLB entry remembers the generation it was filled
 * from, so an access through an entry that outlived an unmap or a remap is caught in O(1)
 * (MODEL.md section 1; David Laight's counter-example, LKML 18 March 2024).
 */
public final class PageTable implements java.io.Serializable {
  public static final long PRESENT = 1, ACCESSED = 2, GLOBAL = 4, PAGE_SIZE_2M = 8;
  private static final int PFN_SHIFT = 4, GEN_SHIFT = 36;
  private static final long PFN_MASK = (1L << 32) - 1;

  private final PhysicalMemory memory;
  /** The PML4: entries for the upper half; children are PDPTs, then PDs, then PTs (long[512]). */
  private final Object[] pml4 = new Object[512];
  private long[] tablesByOwner = new long[4];
  private long tables;

  public PageTable(PhysicalMemory memory) { this.memory = memory; }

  public static boolean present(long pte) { return (pte & PRESENT) != 0; }
  public static boolean accessed(long pte) { return (pte & ACCESSED) != 0; }
  public static int pfn(long pte) { return (int) ((pte >>> PFN_SHIFT) & PFN_MASK); }
  public static int gen(long pte) { return (int) (pte >>> GEN_SHIFT); }

  /** The PTE that maps {@code va}, or 0 when no page table covers it. */
  public long pte(long va) {
    long[] pt = leaf(va, false, 0, 0);
    return pt == null ? 0 : pt[ptIndex(va)];
  }

  /** Maps {@code va} to {@code pfn} (present, global); page-table pages come from {@code cpu}'s node. */
  public void map(long va, int pfn, int owner, int cpu) {
    long[] pt = leaf(va, true, owner, cpu);
    int i = ptIndex(va);
    long old = pt[i];
    if (present(old)) throw new IllegalStateException("va " + Long.toHexString(va) + " is already mapped");
    pt[i] = ((long) (gen(old) + 1) << GEN_SHIFT) | ((long) pfn << PFN_SHIFT) | PRESENT | GLOBAL;
  }

  /** Clears the PTE of {@code va} (no TLB flush: that is the caller's business) and returns its frame. */
  public int unmap(long va) {
    long[] pt = leaf(va, false, 0, 0);
    int i = ptIndex(va);
    if (pt == null || !present(pt[i])) throw new IllegalStateException("va " + Long.toHexString(va) + " is not mapped");
    long old = pt[i];
    pt[i] = (long) (gen(old) + 1) << GEN_SHIFT;
    return pfn(old);
  }

  /** A page walk that uses the entry sets its accessed bit (a speculative fill may not). */
  public void setAccessed(long va) {
    long[] pt = leaf(va, false, 0, 0);
    if (pt != null) pt[ptIndex(va)] |= ACCESSED;
  }

  public void clearAccessed(long va) {
    long[] pt = leaf(va, false, 0, 0);
    if (pt != null) pt[ptIndex(va)] &= ~ACCESSED;
  }

  /** Page-table pages (PDPT, PD and PT levels) allocated for {@code owner}'s mappings. */
  public long tablePages(int owner) { return owner < tablesByOwner.length ? tablesByOwner[owner] : 0; }

  public long tablePages() { return tables; }

  private static int ptIndex(long va) { return (int) (va >>> 12) & 511; }

  /** The last leaf walked to and the 2 MiB region it maps (va >>> 21; 0 never matches a kernel va). */
  private long lastRegion;
  private long[] lastLeaf;

  private long[] leaf(long va, boolean create, int owner, int cpu) {
    long region = va >>> 21;
    if (region == lastRegion) return lastLeaf;   // leaves are never freed: the cache cannot go stale
    if (va >= 0) throw new IllegalArgumentException("not a kernel address: " + Long.toHexString(va));
    Object[] pdpt = (Object[]) level(pml4, (int) (va >>> 39) & 511, create, false, owner, cpu);
    if (pdpt == null) return null;
    Object[] pd = (Object[]) level(pdpt, (int) (va >>> 30) & 511, create, false, owner, cpu);
    if (pd == null) return null;
    long[] pt = (long[]) level(pd, (int) (va >>> 21) & 511, create, true, owner, cpu);
    if (pt != null) { lastRegion = region; lastLeaf = pt; }
    return pt;
  }

  private Object level(Object[] table, int i, boolean create, boolean leaf, int owner, int cpu) {
    Object t = table[i];
    if (t == null && create) {
      memory.alloc(0, cpu);   // the page-table page itself is a real frame
      t = table[i] = leaf ? new long[512] : new Object[512];
      if (owner >= tablesByOwner.length) tablesByOwner = java.util.Arrays.copyOf(tablesByOwner, owner * 2 + 2);
      tablesByOwner[owner]++;
      tables++;
    }
    return t;
  }
}
