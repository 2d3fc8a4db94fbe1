package dev.kss.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kss.Scripts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The shared conformance scenarios (../shared/conformance): every scenario runs with exit 0, every
 * file under errors/ fails with exit 2 at its "# error-at: LINE:COL", through the real CLI. Of the
 * v2 scenarios, those whose feature has landed ({@link #V2}); the whole v2 folder once all have.
 */
class ConformanceTest {
  /** The v2 scenarios that run today: per-CPU time and parallel programs (issue 13), replay (issue 14), explore (issue 15). */
  static final List<String> V2 = List.of("time-overlap.kss", "parallel-laight.kss", "replay-tiny.kss", "explore-laight.kss");

  /** The v2 error scenarios whose feature has landed. */
  static final List<String> V2_ERRORS = List.of("replay-missing-trace.kss", "replay-too-few-cpus.kss", "quantifier-without-explore.kss");

  private static final Pattern ERROR_AT = Pattern.compile("#\\s*error-at:\\s*(\\d+):(\\d+)");

  static Path dir() {
    Path root = Scripts.root();
    return root == null ? null : root.resolveSibling("shared").resolve("conformance");
  }

  /**
   * Whether the conformance folder is missing: a skip on a developer's machine without it, a
   * failure under CI ({@code CI=true}), where a missing folder would otherwise pass unnoticed.
   */
  static boolean missing(Path dir) {
    if (dir != null && Files.isDirectory(dir)) return false;
    if ("true".equals(System.getenv("CI"))) fail("../shared/conformance is missing (looked for " + dir + "); CI must run the conformance scenarios");
    assumeTrue(false, "no ../shared/conformance");
    return true;
  }

  static List<Path> scripts(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".kss")).sorted().toList();
    }
  }

  static int cli(String file, StringBuilder out, StringBuilder err) {
    ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
    int code = Main.execute(new String[] {"run", file, "--check"}, new PrintStream(o, true, StandardCharsets.UTF_8),
        new PrintStream(e, true, StandardCharsets.UTF_8));
    out.append(o.toString(StandardCharsets.UTF_8));
    err.append(e.toString(StandardCharsets.UTF_8));
    return code;
  }

  @TestFactory Stream<DynamicTest> scenariosRunWithEveryExpectationHolding() throws IOException {
    Path dir = dir();
    missing(dir);
    return scripts(dir).stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
      StringBuilder out = new StringBuilder(), err = new StringBuilder();
      int code = cli(p.toString(), out, err);
      assertEquals(0, code, out + "\n" + err);
    }));
  }

  @TestFactory Stream<DynamicTest> landedV2ScenariosRunWithEveryExpectationHolding() {
    Path dir = dir();
    missing(dir);
    return V2.stream().map(name -> DynamicTest.dynamicTest("v2/" + name, () -> {
      Path p = dir.resolve("v2").resolve(name);
      assertTrue(Files.isRegularFile(p), p + " is missing");
      StringBuilder out = new StringBuilder(), err = new StringBuilder();
      int code = cli(p.toString(), out, err);
      assertEquals(0, code, out + "\n" + err);
    }));
  }

  @TestFactory Stream<DynamicTest> errorScriptsFailAtTheirErrorLocation() throws IOException {
    Path dir = dir();
    missing(dir);
    missing(dir.resolve("errors"));
    return scripts(dir.resolve("errors")).stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> failsAtItsErrorLocation(p)));
  }

  @TestFactory Stream<DynamicTest> landedV2ErrorScriptsFailAtTheirErrorLocation() {
    Path dir = dir();
    missing(dir);
    return V2_ERRORS.stream().map(name -> DynamicTest.dynamicTest("v2/errors/" + name, () -> {
      Path p = dir.resolve("v2").resolve("errors").resolve(name);
      assertTrue(Files.isRegularFile(p), p + " is missing");
      failsAtItsErrorLocation(p);
    }));
  }

  private static void failsAtItsErrorLocation(Path p) throws IOException {
    {
      Matcher m = ERROR_AT.matcher(Files.readString(p));
      assertTrue(m.find(), "no '# error-at:' comment in " + p);
      StringBuilder out = new StringBuilder(), err = new StringBuilder();
      int code = cli(p.toString(), out, err);
      assertEquals(2, code, out + "\n" + err);
      assertEquals("", out.toString(), "nothing on stdout before the error");
      String first = err.toString().lines().findFirst().orElse("");
      assertTrue(first.startsWith(p + ":" + m.group(1) + ":" + m.group(2) + ":"), first);
      assertFalse(err.toString().contains("\tat "), "a stack trace:\n" + err);
    }
  }
}
