package dev.kss.run;

import java.util.random.RandomGenerator;

/**
 * The script's random generator: SplitMix64, the algorithm of {@link java.util.SplittableRandom}
 * with the same outputs for the same seed, but Serializable, so that a session can be snapshot
 * (the REPL's {@code :back}). JS policies draw {@code kss.random()} from one too.
 */
public final class SplitMix implements RandomGenerator, java.io.Serializable {
  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
  private long seed;

  public SplitMix(long seed) { this.seed = seed; }

  @Override public long nextLong() {
    long z = seed += GOLDEN_GAMMA;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
