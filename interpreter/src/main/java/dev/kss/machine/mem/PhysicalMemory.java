package dev.kss.machine.mem;

import dev.kss.machine.base.SimError;
import dev.kss.machine.base.State;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Physical memory: 4 KiB frames split evenly over the NUMA nodes, a buddy allocator per node, and
 * per-CPU page lists for orders 0 to 3 in front of it (Linux caches orders 1-3 on the per-CPU lists
 * since v5.14, commit 44042b449872). As in Linux, each CPU has one set of lists per zone (here: per
 * node, {@code zone->per_cpu_pageset}): a frame freed on a CPU goes to that CPU's list for the
 * frame's own node (free_unref_page() takes page_zone(page)), so a node-0 frame freed on a node-1
 * CPU is never handed out there as a local one; it waits on the remote list until that list drains. Every frame knows whether it is allocated, which the invariant
 * checker uses: no stack page may be backed by a free frame.
 *
 * <p>A copy shares the buddy allocators and the per-CPU lists with the original until either side
 * writes to one (each is then copied for the writer): copying a machine costs what it holds, not
 * the memory it models.
 */
public final class PhysicalMemory {
  /** Highest order kept on the per-CPU lists. */
  static final int PCP_MAX_ORDER = 3;
  /**
   * Per-CPU list batch and high mark, in base pages. Linux sizes them from the zone
   * (mm/page_alloc.c zone_batchsize, zone_highsize: batch 63 on large zones); the high mark here is
   * our choice, six batches.
   */
  static final int PCP_BATCH = 63, PCP_HIGH = 6 * PCP_BATCH;

  private final BuddyAllocator[] nodes;
  private final Numa numa;
  private final long totalFrames;
  /** The node of each CPU, worked out once from {@link Numa}: it is asked on every allocation. */
  private final int[] nodeOfCpu;
  /** The per-CPU lists, CPU {@code c}'s for node {@code n} at {@code c * nodes + n}. */
  private final CpuLists[] pcp;
  /** One byte a frame (1: allocated); shared with copies until written. */
  private byte[] allocated;
  private boolean allocatedShared;
  private long allocatedFrames;

  public PhysicalMemory(long bytes, int numa, int cpus) {
    long total = bytes / Page.SIZE;
    long perNode = (total / numa) & ~((1L << BuddyAllocator.MAX_ORDER) - 1);
    if (perNode * numa > Integer.MAX_VALUE) throw new IllegalArgumentException("memory too large");
    this.totalFrames = total;
    nodes = new BuddyAllocator[numa];
    for (int n = 0; n < numa; n++) nodes[n] = new BuddyAllocator((int) (n * perNode), (int) perNode);
    this.numa = new Numa(cpus, numa);
    nodeOfCpu = new int[cpus];
    for (int c = 0; c < cpus; c++) nodeOfCpu[c] = this.numa.nodeOf(c);
    pcp = new CpuLists[cpus * numa];
    allocated = new byte[0];
  }

  private PhysicalMemory(PhysicalMemory o) {
    nodes = o.nodes.clone();
    for (BuddyAllocator b : nodes) b.share();
    numa = o.numa;
    totalFrames = o.totalFrames;
    nodeOfCpu = o.nodeOfCpu;
    pcp = o.pcp.clone();
    for (CpuLists l : pcp) if (l != null) l.shared = true;
    allocated = o.allocated;
    allocatedShared = o.allocatedShared = true;
    allocatedFrames = o.allocatedFrames;
  }

  /** The copy of this memory, with no reclaimers: the copies of this memory's reclaimers register again, in the same order. */
  public PhysicalMemory copy() { return new PhysicalMemory(this); }

  public int nodes() { return nodes.length; }

  public Numa numa() { return numa; }

  public long totalFrames() { return totalFrames; }

  /** The NUMA node CPU {@code cpu} belongs to. */
  public int nodeOf(int cpu) { return nodeOfCpu[cpu]; }

  /** Gives memory back when an allocation fails (FreeBSD breaks partial reservations). */
  public interface Reclaimer {
    /** Frees what it can on {@code cpu}'s node; returns false when it had nothing to give. */
    boolean reclaim(int cpu);
  }

  private final List<Reclaimer> reclaimers = new ArrayList<>();

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
    int node = nodeOf(cpu);
    if (order <= PCP_MAX_ORDER) {
      CpuLists l = lists(cpu, node);
      if (l.count[order] == 0) refill(node, l, order);
      return l.count[order] == 0 ? -1 : l.list[order][--l.count[order]];
    }
    return node(node).alloc(order);
  }

  /** Frees 2^order frames on {@code cpu}: small orders onto its list for the frames' node. */
  public void free(int pfn, int order, int cpu) {
    mark(pfn, 1 << order, (byte) 0);
    if (order <= PCP_MAX_ORDER) {
      CpuLists l = lists(cpu, nodeOfFrame(pfn));
      int high = Math.max(1, PCP_HIGH >> order);
      if (l.count[order] >= high) drain(l, order, Math.max(1, PCP_BATCH >> order));
      l.list(order)[l.count[order]++] = pfn;
    } else {
      owner(pfn).free(pfn, order);
    }
  }

  public boolean isAllocated(int pfn) { return pfn < allocated.length && allocated[pfn] != 0; }

  public long allocatedFrames() { return allocatedFrames; }

  public long freeFrames() {
    long f = 0;
    for (BuddyAllocator b : nodes) f += b.freeFrames();
    for (CpuLists l : pcp) if (l != null) for (int o = 0; o <= PCP_MAX_ORDER; o++) f += (long) l.count[o] << o;
    return f;
  }

  /** The node frame {@code pfn} belongs to. */
  public int nodeOfFrame(int pfn) {
    for (int n = 0; n < nodes.length; n++) if (pfn >= nodes[n].base() && pfn < nodes[n].base() + nodes[n].frames()) return n;
    throw new IllegalStateException("frame " + pfn + " belongs to no node");
  }

  /** {@code cpu}'s lists for node {@code node}, this memory's own (copied first when shared with another copy). */
  private CpuLists lists(int cpu, int node) {
    int i = cpu * nodes.length + node;
    CpuLists l = pcp[i];
    if (l == null) l = pcp[i] = new CpuLists();
    else if (l.shared) l = pcp[i] = new CpuLists(l);
    l.hashed = false;
    return l;
  }

  /** Node {@code n}'s allocator, this memory's own. */
  private BuddyAllocator node(int n) {
    BuddyAllocator b = nodes[n];
    if (b.isShared()) b = nodes[n] = b.unshared();
    return b;
  }

  private void refill(int nodeId, CpuLists l, int order) {
    BuddyAllocator node = node(nodeId);
    int want = Math.max(1, PCP_BATCH >> order);
    int[] list = l.list(order);
    // Take the batch, then reverse it so the lowest frames come out first (LIFO list).
    int n = 0;
    int[] tmp = new int[want];
    while (n < want) {
      int pfn = node.alloc(order);
      if (pfn < 0) break;
      tmp[n++] = pfn;
    }
    for (int i = 0; i < n; i++) list[l.count[order]++] = tmp[n - 1 - i];
  }

  private void drain(CpuLists l, int order, int count) {
    int[] list = l.list[order];
    int c = l.count[order];
    count = Math.min(count, c);
    // The coldest pages sit at the bottom of the list.
    for (int i = 0; i < count; i++) owner(list[i]).free(list[i], order);
    System.arraycopy(list, count, list, 0, c - count);
    l.count[order] = c - count;
  }

  private BuddyAllocator owner(int pfn) { return node(nodeOfFrame(pfn)); }

  private void mark(int pfn, int n, byte v) {
    if (pfn + n > allocated.length) allocated = Arrays.copyOf(allocated, Math.max(pfn + n, allocated.length * 2));
    else if (allocatedShared) allocated = allocated.clone();
    allocatedShared = false;
    for (int i = 0; i < n; i++) {
      if (allocated[pfn + i] == v) throw new IllegalStateException("frame " + (pfn + i) + (v == 1 ? " allocated twice" : " freed twice"));
      allocated[pfn + i] = v;
    }
    allocatedFrames += v == 1 ? n : -n;
  }

  /**
   * The free lists decide everything: a frame below a node's frontier that is on no list is
   * allocated, so the allocation bytes are not part of the state.
   */
  public void state(State s) {
    for (BuddyAllocator b : nodes) s.put(b);
    for (CpuLists l : pcp) s.put(l);
  }

  private static SimError outOfMemory(int order) {
    return new SimError("out of physical memory (an order-" + order + " allocation failed); give the machine more memory");
  }

  /** One CPU's page lists, shared with copies until written. */
  private static final class CpuLists implements State.Part {
    final int[][] list = new int[PCP_MAX_ORDER + 1][];
    final int[] count;
    boolean shared;
    private boolean hashed;
    private long hash;

    CpuLists() { count = new int[PCP_MAX_ORDER + 1]; }

    CpuLists(CpuLists o) {
      for (int i = 0; i <= PCP_MAX_ORDER; i++) list[i] = o.list[i] == null ? null : o.list[i].clone();
      count = o.count.clone();
    }

    int[] list(int order) {
      int[] l = list[order];
      if (l == null) l = list[order] = new int[Math.max(1, PCP_HIGH >> order) + 1];
      return l;
    }

    @Override public long stateHash() {
      if (!hashed) {
        State s = State.hashing();
        for (int o = 0; o <= PCP_MAX_ORDER; o++) s.put(list[o] == null ? new int[0] : list[o], 0, count[o]);
        hash = s.hash();
        hashed = true;
      }
      return hash;
    }

    @Override public boolean sameState(State.Part other) {
      CpuLists b = (CpuLists) other;
      for (int o = 0; o <= PCP_MAX_ORDER; o++) {
        if (count[o] != b.count[o]) return false;
        if (count[o] > 0 && !Arrays.equals(list[o], 0, count[o], b.list[o], 0, count[o])) return false;
      }
      return true;
    }
  }
}
