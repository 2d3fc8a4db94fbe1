package dev.kss.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kss.Scripts;
import dev.kss.ast.Source;
import dev.kss.grammar.KssLexer;
import dev.kss.run.Options;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;
import org.junit.jupiter.api.Test;

/**
 * Seeded random mutations of the example, conformance and stdlib scripts (tokens deleted,
 * duplicated, swapped, replaced; truncation; random bytes) through parse, check and a run with a
 * small budget: every one must end with exit 0, 1 or 2, exit 2 with a FILE:LINE:COL location,
 * and never with an uncaught exception, an internal error or a stack trace.
 */
class RobustnessTest {
  private static final int MUTANTS = 10_000;
  private static final long BUDGET = 2_000;

  @Test void mutatedScriptsNeverCrashTheInterpreter() throws IOException {
    List<Source> corpus = corpus();
    assumeTrue(!corpus.isEmpty(), "no scripts to mutate");
    List<String> vocabulary = new ArrayList<>();
    for (Source s : corpus) for (Token t : tokens(s.text())) vocabulary.add(t.getText());
    Random random = new Random(20260323);
    int[] exits = new int[3];
    for (int i = 0; i < MUTANTS; i++) {
      Source original = corpus.get(random.nextInt(corpus.size()));
      String text = original.text();
      int mutations = 1 + random.nextInt(3);
      for (int m = 0; m < mutations; m++) text = mutate(text, random, vocabulary);
      Source mutant = new Source(original.name(), text, original.path());
      Scripts.Result r;
      try {
        r = Scripts.run(mutant, dev.kss.js.Js.enable(Options.defaults()).withCheck(true).withBudget(BUDGET).withPrinter(line -> {}));
      } catch (Throwable t) {
        throw new AssertionError("mutant " + i + " of " + original.name() + " threw " + t + "\n--- script ---\n" + text, t);
      }
      String context = "mutant " + i + " of " + original.name() + ":\n" + r.err() + "--- script ---\n" + text;
      assertTrue(r.exit() >= 0 && r.exit() <= 2, context);
      exits[r.exit()]++;
      assertFalse(r.err().contains("\tat ") || r.out().contains("\tat "), "stack trace in " + context);
      assertFalse(r.err().contains("internal error"), context);
      if (r.exit() == 2) {
        assertTrue(Pattern.compile("^[^\\s:]+\\.kss:\\d+:\\d+: ").matcher(r.firstErrorLine()).find(), context);
      }
    }
    System.out.printf("%d mutants: %d exit 0, %d exit 1, %d exit 2%n", MUTANTS, exits[0], exits[1], exits[2]);
    assertTrue(exits[0] + exits[1] > MUTANTS / 50, "too few mutants ran to the end: the corpus or the budget is off");
  }

  private static String mutate(String text, Random random, List<String> vocabulary) {
    List<Token> tokens = tokens(text);
    if (tokens.isEmpty() || text.isEmpty()) return text + vocabulary.get(random.nextInt(vocabulary.size()));
    Token a = tokens.get(random.nextInt(tokens.size()));
    Token b = tokens.get(random.nextInt(tokens.size()));
    String at = a.getText();
    int start = a.getStartIndex(), stop = a.getStopIndex() + 1;
    return switch (random.nextInt(6)) {
      case 0 -> text.substring(0, start) + text.substring(stop);                                      // delete
      case 1 -> text.substring(0, stop) + " " + at + text.substring(stop);                             // duplicate
      case 2 -> {                                                                                      // swap
        if (a.getStartIndex() > b.getStartIndex()) { Token t = a; a = b; b = t; }
        if (a.getStopIndex() >= b.getStartIndex()) yield text;
        yield text.substring(0, a.getStartIndex()) + b.getText() + text.substring(a.getStopIndex() + 1, b.getStartIndex())
            + a.getText() + text.substring(b.getStopIndex() + 1);
      }
      case 3 -> text.substring(0, random.nextInt(text.length() + 1));                                 // truncate
      case 4 -> text.substring(0, start) + vocabulary.get(random.nextInt(vocabulary.size())) + text.substring(stop); // replace
      default -> {                                                                                     // random bytes
        StringBuilder junk = new StringBuilder();
        for (int k = random.nextInt(4) + 1; k > 0; k--) junk.append((char) (random.nextBoolean() ? 32 + random.nextInt(95) : random.nextInt(256)));
        int p = random.nextInt(text.length() + 1);
        yield text.substring(0, p) + junk + text.substring(p);
      }
    };
  }

  private static List<Token> tokens(String text) {
    KssLexer lexer = new KssLexer(CharStreams.fromString(text));
    lexer.removeErrorListeners();
    List<Token> out = new ArrayList<>();
    for (Token t : lexer.getAllTokens()) if (t.getType() != KssLexer.NL) out.add(t);
    return out;
  }

  private static List<Source> corpus() throws IOException {
    List<Source> out = new ArrayList<>();
    Path root = Scripts.root();
    if (root == null) return out;
    List<Path> dirs = List.of(root.resolve("examples"), root.resolve("stdlib"),
        root.resolveSibling("shared").resolve("conformance"), root.resolveSibling("shared").resolve("conformance").resolve("errors"));
    for (Path dir : dirs) {
      if (!Files.isDirectory(dir)) continue;
      for (Path p : ConformanceTest.scripts(dir)) out.add(Source.read(p, p.getFileName().toString()));
    }
    return out;
  }
}
