package dev.kss.machine.tlb;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class TlbTest {
  @Test void aFilledTranslationHitsUntilInvalidated() {
    Tlb t = new Tlb(new TlbConfig());
    assertEquals(Tlb.MISS, t.lookup(100));
    t.fill(100, 7, 3);
    long r = t.lookup(100);
    assertEquals(7, (int) r);
    assertEquals(3, (int) (r >>> 32));
    t.invalidate(100);
    assertEquals(Tlb.MISS, t.lookup(100));
  }

  @Test void leastRecentlyUsedEntryIsEvicted() {
    TlbConfig c = new TlbConfig();
    c.l1Entries = 1; c.l1Ways = 1; c.stlbEntries = 2; c.stlbWays = 2;
    Tlb t = new Tlb(c);
    t.fill(1, 1, 1);
    t.fill(2, 2, 1);
    t.lookup(1);          // an STLB hit: 1 becomes the most recently used
    t.fill(3, 3, 1);      // evicts 2 from the STLB (and from the 1-entry L1)
    assertNotEquals(Tlb.MISS, t.lookup(1));
    assertEquals(Tlb.MISS, t.lookup(2));
  }

  @Test void aCoalescedEntryCoversFourPages() {
    TlbConfig c = new TlbConfig();
    c.coalesce16k = true;
    Tlb t = new Tlb(c);
    t.fillCoalesced(64, 400, new int[] {1, 2, 3, 4});
    assertEquals(402, (int) t.lookup(66));
    assertEquals(3, (int) (t.lookup(66) >>> 32));
    t.invalidate(65);
    assertEquals(Tlb.MISS, t.lookup(67), "invalidating one page drops the whole coalesced entry");
  }
}
