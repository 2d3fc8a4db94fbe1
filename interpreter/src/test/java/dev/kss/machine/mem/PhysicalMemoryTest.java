package dev.kss.machine.mem;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class PhysicalMemoryTest {
  /** Two nodes, two CPUs: CPU 0 on node 0, CPU 1 on node 1. */
  private static PhysicalMemory twoNodes() { return new PhysicalMemory(64L << 20, 2, 2); }

  /** Node 0 holds the first half of the frames (8,192 of 16,384), node 1 the second. */
  private static int node(int pfn) { return pfn < 8192 ? 0 : 1; }

  @Test void theNodesSplitTheFrames() {
    PhysicalMemory m = twoNodes();
    assertEquals(0, m.nodeOfFrame(0));
    assertEquals(0, m.nodeOfFrame(8191));
    assertEquals(1, m.nodeOfFrame(8192));
  }

  @Test void aFrameIsAllocatedFromTheCpusOwnNode() {
    PhysicalMemory m = twoNodes();
    assertEquals(0, node(m.alloc(0, 0)));
    assertEquals(1, node(m.alloc(0, 1)));
  }

  @Test void aRemoteFrameFreedOnACpuIsNotHandedOutThereAsLocal() {
    PhysicalMemory m = twoNodes();
    int remote = m.alloc(0, 0);   // a node-0 frame (a stack forked on CPU 0, say)
    m.free(remote, 0, 1);         // freed on CPU 1 (the thread died there)
    int next = m.alloc(0, 1);     // the next page CPU 1 asks for
    assertNotEquals(remote, next, "CPU 1's per-CPU list handed out the node-0 frame it was given back");
    assertEquals(1, node(next));
  }

  @Test void aLocalFrameFreedOnItsCpuComesBackFirst() {
    PhysicalMemory m = twoNodes();
    int pfn = m.alloc(0, 1);
    m.free(pfn, 0, 1);
    assertEquals(pfn, m.alloc(0, 1), "the per-CPU list is LIFO: the hot page comes back");
  }
}
