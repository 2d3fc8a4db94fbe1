package dev.kss.machine.mem;

import dev.kss.machine.SimError;
import java.util.Arrays;

/**
 * Physical memory: 4 KiB frames split evenly over the NUMA nodes, a buddy allocator per node, and
 * per-CPU page lists for orders 0 to 3 in front of it (Linux caches orders 1-3 on the per-CPU lists
 * since v5.14, commit 44042b449872). Every frame knows whether it is allocated, which the invariant
 * checker uses: no stack page may be backed by a free frame.
 */
public final class PhysicalMemory implements java.io.Serializable {
  /** Highest order kept on the per-CPU lists. */
  static final int PCP_MAX_ORDER = 3;
  /**
   * Per-CPU list batch and high mark, in base pages. Linux sizes them from the zone
   * (mm/page_alloc.c zone_batchsize, zone_highsize: batch 63 on large zones); the high mark here is
   * our choice, six batches.
   */
  static final int PCP_BATCH = 63, PCP_HIGH = 6 * PCP_BATCH;

  private final BuddyAllocator[] nodes;
  private final int cpus;
  /** The node of each CPU (see {@link #nodeOf}), worked out once: it is asked on every allocation. */
  private final int[] nodeOfCpu;
  private final int[][][] pcp;   // [cpu][order] -> stack of first frames
  private final int[][] pcpCount;
  private byte[] allocated = new byte[0];
  private long allocatedFrames;

  public PhysicalMemory(long bytes, int numa, int cpus, int pageSize) {
    long total = bytes / pageSize;
    long perNode = (total / numa) & ~((1L << BuddyAllocator.MAX_ORDER) - 1);
    if (perNode * numa > Integer.MAX_VALUE) throw new IllegalArgumentException("memory too large");
    nodes = new BuddyAllocator[numa];
    for (int n = 0; n < numa; n++) nodes[n] = new BuddyAllocator((int) (n * perNode), (int) perNode);
    this.cpus = cpus;
    nodeOfCpu = new int[cpus];
    for (int c = 0; c < cpus; c++) nodeOfCpu[c] = (int) ((long) c * numa / cpus);
    pcp = new int[cpus][PCP_MAX_ORDER + 1][];
    pcpCount = new int[cpus][PCP_MAX_ORDER + 1];
  }

  public int nodes() { return nodes.length; }

  /** The NUMA node CPU {@code cpu} belongs to: CPUs are spread over nodes in equal, consecutive runs. */
  public int nodeOf(int cpu) { return nodeOfCpu[cpu]; }

  /** Gives memory back when an allocation fails (FreeBSD breaks partial reservations). */
  public interface Reclaimer extends java.io.Serializable {
    /** Frees what it can on {@code cpu}'s node; returns false when it had nothing to give. */
    boolean reclaim(int cpu);
  }

  private final java.util.List<Reclaimer> reclaimers = new java.util.ArrayList<>();

  public void addReclaimer(Reclaimer r) { reclaimers.add(r); }

  /**
   * Allocates 2^order frames on {@code cpu}'s node, through its per-CPU list for small orders.
   * When the node is out of memory, the reclaimers are asked to give some back first.
   */
  public int alloc(int order, int cpu) {
    int pfn = tryAlloc(order, cpu);
    for (int i = 0; pfn < 0 && i < reclaimers.size(); ) {
      if (reclaimers.get(i).reclaim(cpu)) pfn = tryAlloc(order, cpu);
      else i++;
    }
    if (pfn < 0) throw outOfMemory(order);
    mark(pfn, 1 << order, (byte) 1);
    return pfn;
  }

  private int tryAlloc(int order, int cpu) {
    if (order <= PCP_MAX_ORDER) {
      int[] list = pcpList(cpu, order);
      if (pcpCount[cpu][order] == 0) refill(cpu, order, list);
      list = pcp[cpu][order];
      return pcpCount[cpu][order] == 0 ? -1 : list[--pcpCount[cpu][order]];
    }
    return nodes[nodeOf(cpu)].alloc(order);
  }

  public void free(int pfn, int order, int cpu) {
    mark(pfn, 1 << order, (byte) 0);
    if (order <= PCP_MAX_ORDER) {
      int[] list = pcpList(cpu, order);
      int high = Math.max(1, PCP_HIGH >> order);
      if (pcpCount[cpu][order] >= high) drain(cpu, order, Math.max(1, PCP_BATCH >> order));
      list = pcp[cpu][order];
      list[pcpCount[cpu][order]++] = pfn;
    } else {
      owner(pfn).free(pfn, order);
    }
  }

  public boolean isAllocated(int pfn) { return pfn < allocated.length && allocated[pfn] != 0; }

  public long allocatedFrames() { return allocatedFrames; }

  public long freeFrames() {
    long f = 0;
    for (BuddyAllocator b : nodes) f += b.freeFrames();
    for (int[] counts : pcpCount) for (int o = 0; o <= PCP_MAX_ORDER; o++) f += (long) counts[o] << o;
    return f;
  }

  private int[] pcpList(int cpu, int order) {
    int[] l = pcp[cpu][order];
    if (l == null) l = pcp[cpu][order] = new int[Math.max(1, PCP_HIGH >> order) + 1];
    return l;
  }

  private void refill(int cpu, int order, int[] list) {
    BuddyAllocator node = nodes[nodeOf(cpu)];
    int want = Math.max(1, PCP_BATCH >> order);
    // Take the batch, then reverse it so the lowest frames come out first (LIFO list).
    int n = 0;
    int[] tmp = new int[want];
    while (n < want) {
      int pfn = node.alloc(order);
      if (pfn < 0) break;
      tmp[n++] = pfn;
    }
    for (int i = 0; i < n; i++) list[pcpCount[cpu][order]++] = tmp[n - 1 - i];
  }

  private void drain(int cpu, int order, int count) {
    int[] list = pcp[cpu][order];
    int c = pcpCount[cpu][order];
    count = Math.min(count, c);
    // The coldest pages sit at the bottom of the list.
    for (int i = 0; i < count; i++) owner(list[i]).free(list[i], order);
    System.arraycopy(list, count, list, 0, c - count);
    pcpCount[cpu][order] = c - count;
  }

  private BuddyAllocator owner(int pfn) {
    for (BuddyAllocator b : nodes) if (pfn >= b.base() && pfn < b.base() + b.frames()) return b;
    throw new IllegalStateException("frame " + pfn + " belongs to no node");
  }

  private void mark(int pfn, int n, byte v) {
    if (pfn + n > allocated.length) allocated = Arrays.copyOf(allocated, Math.max(pfn + n, allocated.length * 2));
    for (int i = 0; i < n; i++) {
      if (allocated[pfn + i] == v) throw new IllegalStateException("frame " + (pfn + i) + (v == 1 ? " allocated twice" : " freed twice"));
      allocated[pfn + i] = v;
    }
    allocatedFrames += v == 1 ? n : -n;
  }

  private static SimError outOfMemory(int order) {
    return new SimError("out of physical memory (an order-" + order + " allocation failed); give the machine more memory");
  }
}
