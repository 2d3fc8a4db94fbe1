package dev.kss.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SplitMixTest {
  @Test void givesTheSameNumbersAsSplittableRandom() {
    for (long seed : new long[] {0, 1, 42, -7, Long.MAX_VALUE}) {
      SplittableRandom want = new SplittableRandom(seed);
      SplitMix got = new SplitMix(seed);
      for (int i = 0; i < 10_000; i++) {
        switch (i % 4) {
          case 0 -> assertEquals(want.nextLong(), got.nextLong());
          case 1 -> assertEquals(want.nextDouble(), got.nextDouble());
          case 2 -> assertEquals(want.nextLong(1 + i), got.nextLong(1 + i));
          default -> assertEquals(want.nextLong(1L << (i % 60)), got.nextLong(1L << (i % 60)));
        }
      }
    }
  }
}
