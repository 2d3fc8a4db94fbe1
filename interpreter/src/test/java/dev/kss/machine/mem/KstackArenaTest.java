package dev.kss.machine.mem;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KstackArenaTest {
  @Test void oneImportHolds511StacksOf4PagesAndAGuard() {
    KstackArena a = new KstackArena(0, 4, 1, true, KstackArena.FIRST_IMPORT);
    for (int i = 0; i < 511; i++) a.alloc();
    assertEquals(1, a.imports());
    a.alloc();
    assertEquals(2, a.imports(), "the 512th stack needs a second import");
  }

  @Test void contiguousPindexPacksStacksOntoDenseRunsAndNeverAGuard() {
    KstackArena a = new KstackArena(0, 4, 1, true, KstackArena.FIRST_IMPORT);
    Set<Long> used = new HashSet<>();
    long first = -1;
    for (int i = 0; i < 511; i++) {
      long slot = a.alloc();
      assertEquals(0, slot % 5, "slots start on a multiple of K");
      long base = a.pindexBase(slot);
      if (first < 0) first = base;
      assertEquals(0, base % 4, "stack q owns [4q, 4q+3]");
      for (int p = 0; p < 4; p++) assertTrue(used.add(base + p), "pindex used twice");
    }
    assertEquals(first + 511 * 4 - 1, used.stream().mapToLong(Long::longValue).max().orElseThrow(), "no gaps inside an import");
  }

  @Test void linearPindexLeavesTheGuardPindexUnbacked() {
    KstackArena a = new KstackArena(0, 4, 1, false, KstackArena.FIRST_IMPORT);
    long slot = a.alloc();
    assertEquals(slot + 1, a.pindexBase(slot), "the stack starts one page above its low guard");
  }

  @Test void importsAreBumpedToASlotBoundary() {
    KstackArena a = new KstackArena(0, 4, 1, true, KstackArena.FIRST_IMPORT);
    long first = a.alloc();
    long lin = KstackArena.FIRST_IMPORT / 4096;
    assertEquals(lin + (5 - lin % 5) % 5, first);
  }
}
