package dev.kss.run;

import java.util.random.RandomGenerator;

/** A dist as it runs: picks a stack depth in bytes with the script's seeded generator. */
final class Sampler {
  private final double[] sizes;
  /** Cumulative weights of a histogram; null for uniform (sizes = low, high). */
  private final double[] cumulative;

  private Sampler(double[] sizes, double[] cumulative) {
    this.sizes = sizes;
    this.cumulative = cumulative;
  }

  static Sampler histogram(double[] sizes, double[] weights) {
    double[] c = new double[weights.length];
    double sum = 0;
    for (int i = 0; i < weights.length; i++) c[i] = sum += weights[i];
    for (int i = 0; i < c.length; i++) c[i] /= sum;
    return new Sampler(sizes, c);
  }

  static Sampler uniform(double low, double high) { return new Sampler(new double[] {low, high}, null); }

  static Sampler fixed(double size) { return histogram(new double[] {size}, new double[] {1}); }

  long sample(RandomGenerator rng) {
    if (cumulative == null) {
      long lo = (long) Math.ceil(sizes[0]), hi = (long) Math.floor(sizes[1]);
      return hi <= lo ? lo : lo + rng.nextLong(hi - lo + 1);
    }
    if (cumulative.length == 1) return (long) sizes[0];
    double r = rng.nextDouble();
    for (int i = 0; i < cumulative.length - 1; i++) if (r < cumulative[i]) return (long) sizes[i];
    return (long) sizes[sizes.length - 1];
  }
}
