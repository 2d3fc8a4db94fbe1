package dev.kss.machine.mem;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class VmallocAreaTest {
  @Test void lazyMaxPagesIsFlsOfTheCpuCountTimes32MiB() {
    assertEquals(4, VmallocArea.fls(8));
    assertEquals(7, VmallocArea.fls(64));
    VmallocArea v = new VmallocArea(0, 16 << 10, 1, 0, 4096, 8);
    assertEquals(4L * (32 << 20) / 4096, v.lazyMaxPages());
  }

  @Test void aPurgeIsDueOnceTheLazyPagesPassTheLimit() {
    VmallocArea v = new VmallocArea(0, 16 << 10, 1, 0, 4096, 8);
    int frees = 0;
    while (!v.freeLazy(v.alloc())) frees++;
    // 5 pages per area (16 KiB + guard): the 6554th free passes 32768 pages.
    assertEquals(6553, frees);
  }

  @Test void stacksAreThreadSizeAlignedWithAHoleBelowEach() {
    VmallocArea v = new VmallocArea(0, 16 << 10, 1, 0, 4096, 1);
    long a = v.slotVa(v.alloc()), b = v.slotVa(v.alloc());
    assertEquals(0, a % (16 << 10));
    assertEquals(32 << 10, b - a, "20 KiB areas rounded up to the 16 KiB alignment");
  }
}
