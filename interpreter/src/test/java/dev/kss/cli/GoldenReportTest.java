package dev.kss.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.kss.Scripts;
import dev.kss.ast.Source;
import dev.kss.js.Js;
import dev.kss.run.Options;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The exact bytes of the report (text and JSON) of every example and every conformance scenario,
 * against the files under src/test/resources/golden. A change in any figure, any label or the
 * order of anything fails here: a change that means to move figures must say so and write the new
 * files ({@code ./kss test -Dtest=GoldenReportTest -Dkss.golden.update=true}).
 */
class GoldenReportTest {
  private static final boolean UPDATE = Boolean.getBoolean("kss.golden.update");

  private static Path golden() { return Scripts.root().resolve("interpreter/src/test/resources/golden"); }

  @TestFactory Stream<DynamicTest> everyExampleReportsExactlyAsRecorded() throws IOException {
    return scripts(Scripts.root().resolve("examples"), "examples/", "examples");
  }

  @TestFactory Stream<DynamicTest> everyConformanceScenarioReportsExactlyAsRecorded() throws IOException {
    Path dir = ConformanceTest.dir();
    if (ConformanceTest.missing(dir)) return Stream.empty();
    Stream<DynamicTest> ok = scripts(dir, "../shared/conformance/", "conformance");
    Stream<DynamicTest> errors = ConformanceTest.scripts(dir.resolve("errors")).stream().map(p -> DynamicTest.dynamicTest("errors/" + p.getFileName(), () -> {
      Run r = run(p, "../shared/conformance/errors/" + p.getFileName(), null);
      assertEquals(2, r.exit);
      compare(golden().resolve("conformance/errors/" + base(p) + ".err"), r.err);
    }));
    return Stream.concat(ok, errors);
  }

  private static Stream<DynamicTest> scripts(Path dir, String shownAs, String goldenDir) throws IOException {
    List<Path> files = ConformanceTest.scripts(dir);
    return files.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
      Path json = Files.createTempFile("golden", ".json");
      try {
        Run r = run(p, shownAs + p.getFileName(), json);
        assertEquals(0, r.exit, r.err);
        compare(golden().resolve(goldenDir + "/" + base(p) + ".out"), r.out);
        compare(golden().resolve(goldenDir + "/" + base(p) + ".json"), Files.readString(json));
      } finally {
        Files.deleteIfExists(json);
      }
    }));
  }

  private record Run(int exit, String out, String err) {}

  /** As `kss run FILE [--json OUT]` from the repository's root: the file shown as {@code shown}. */
  private static Run run(Path file, String shown, Path json) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      int code = new Runner(o, e, false).run(Source.read(file, shown), Js.enable(Options.defaults()), json);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
  }

  private static void compare(Path expected, String actual) throws IOException {
    if (UPDATE) {
      Files.createDirectories(expected.getParent());
      Files.writeString(expected, actual);
      return;
    }
    assertTrue(Files.exists(expected), "no golden file " + expected + " (write it with -Dkss.golden.update=true)");
    assertEquals(Files.readString(expected), actual, "differs from " + expected);
  }

  private static String base(Path p) {
    String n = p.getFileName().toString();
    return n.substring(0, n.length() - ".kss".length());
  }
}
