package dev.kss.machine.mem;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class BuddyAllocatorTest {
  @Test void blocksAreAlignedToTheirOrder() {
    BuddyAllocator b = new BuddyAllocator(0, 4096);
    b.alloc(0);
    int order2 = b.alloc(2);
    assertEquals(0, order2 % 4, "an order-2 block starts on a 4-frame boundary");
    int order9 = b.alloc(9);
    assertEquals(0, order9 % 512);
  }

  @Test void freedBuddiesMergeBackIntoOneBlock() {
    BuddyAllocator b = new BuddyAllocator(0, 1024);
    int[] frames = new int[1024];
    for (int i = 0; i < 1024; i++) frames[i] = b.alloc(0);
    assertEquals(-1, b.alloc(0), "the node is exhausted");
    for (int f : frames) b.free(f, 0);
    assertEquals(1024, b.freeFrames());
    assertEquals(0, b.alloc(10), "everything merged back into the order-10 block");
  }

  @Test void framesAreHandedOutLazilyFromTheLowestBlock() {
    BuddyAllocator b = new BuddyAllocator(2048, 1 << 20);
    assertEquals(2048, b.alloc(0));
    assertTrue(b.isFree(5000));
    assertFalse(b.isFree(2048));
  }
}
