package dev.kss.run;

import java.util.random.RandomGenerator;

/**
 * The script's random generator: SplitMix64, the algorithm of {@link java.util.SplittableRandom}
 * with the same outputs for the same seed, whose state can be copied with a session (the REPL's
 * {@code :back}). JS policies draw {@code kss.random()} from one too.
 */
public final class SplitMix implements RandomGenerator {
  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
  private long seed;

  public SplitMix(long seed) { this.seed = seed; }

  /** A generator that draws the same numbers from here on. */
  public SplitMix copy() { return new SplitMix(seed); }

  @Override public long nextLong() {
    long z = seed += GOLDEN_GAMMA;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
