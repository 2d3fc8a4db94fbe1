package dev.kss.check;

import java.util.Collection;
import org.apache.commons.text.similarity.LevenshteinDistance;

/** "Did you mean": the known name nearest to a misspelt one, when it is near enough to be meant. */
public final class Nearest {
  private Nearest() {}

  /** The nearest of {@code known} to {@code word} (by edit distance, at most a third of its length, at least 2), or null. */
  public static String to(String word, Collection<String> known) {
    int limit = Math.max(2, word.length() / 3);
    LevenshteinDistance d = new LevenshteinDistance(limit);
    String best = null;
    int bestD = Integer.MAX_VALUE;
    for (String k : known) {
      int x = d.apply(word, k);
      if (x >= 0 && x < bestD) { best = k; bestD = x; }
    }
    return best;
  }

  /** {@code ", did you mean 'x'?"}, or "" when nothing is near. */
  public static String didYouMean(String word, Collection<String> known) {
    String n = to(word, known);
    return n == null ? "" : ", did you mean '" + n + "'?";
  }
}
