package dev.kss.machine.mem;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ReservationsTest {
  private static Reservations fill(boolean contiguous, int stacks) {
    PhysicalMemory mem = new PhysicalMemory(1L << 30, 1, 1);
    Reservations r = new Reservations(mem);
    KstackArena a = new KstackArena(0, 4, 1, contiguous, KstackArena.FIRST_IMPORT);
    for (int i = 0; i < stacks; i++) {
      long base = a.pindexBase(a.alloc());
      for (int p = 0; p < 4; p++) r.allocPage(base + p, 0);
    }
    return r;
  }

  @Test void oneContiguousImportReadsEFFFB() {
    Reservations r = fill(true, 511);
    assertEquals("EFFFB", r.pattern());
    assertEquals(3, r.full());
  }

  @Test void linearPindexNeverFillsAReservation() {
    Reservations r = fill(false, 5110);
    assertEquals(0, r.full());
    double excess = (double) (r.reservedFrames() - r.populatedFrames()) / r.populatedFrames();
    assertTrue(excess > 0.24 && excess < 0.27, "about 25% extra contiguous memory, got " + excess);
  }

  @Test void aReservationGoesBackWhenItsLastPageIsFreed() {
    PhysicalMemory mem = new PhysicalMemory(64L << 20, 1, 1);
    Reservations r = new Reservations(mem);
    r.allocPage(7, 0);
    assertEquals(512, mem.allocatedFrames());
    r.freePage(7, 0);
    assertEquals(0, mem.allocatedFrames());
  }
}
