package dev.kss.bench;

import dev.kss.ast.Source;
import dev.kss.parse.Parser;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 18: parsing in linear time. One invocation parses a generated script of {@code lines}
 * lines (text to AST, no checking): a header of comments and blank lines (a tenth of the script),
 * then paragraphs of statements between comments and blank lines, with a loop whose body is
 * commented out (another tenth) two thirds of the way in. Score: ms per parse; linear time means
 * the score grows with {@code lines}, tenfold per step.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xss8m", "-Xms3g", "-Xmx3g"})
@Threads(1)
public class ParseScaling {
  @Param({"10000", "100000", "1000000"})
  int lines;

  Source source;

  @Setup(Level.Trial)
  public void setup() {
    source = Source.of("parse-scaling.kss", script(lines));
    int statements = Parser.parse(source).statements().size();
    if (statements == 0) throw new IllegalStateException("the generated script has no statements");
  }

  @Benchmark
  public int parse() { return Parser.parse(source).statements().size(); }

  /** A script of exactly {@code n} lines (n at least 100). */
  static String script(int n) {
    StringBuilder b = new StringBuilder(n * 24);
    int written = 0;
    b.append("# parse-scaling.kss: ").append(n).append(" lines of comments, blank lines and statements\n");
    written++;
    for (int i = 0; written < n / 10; i++, written++)
      b.append(i % 7 == 6 ? "\n" : "# a long header, or an old version commented out: fork x on cpu 0\n");
    b.append("machine { cpus 4\n\n  # the default costs\n}\nuse linux\nseed 7\n");
    written += 6;
    boolean commentedOut = false;
    for (int t = 0; written + 12 <= n; t++) {
      if (!commentedOut && written >= 2 * n / 3) { // a loop whose body is commented out
        b.append("repeat 2 {\n");
        written++;
        for (int i = 0; i < n / 10 && written + 2 < n; i++, written++) b.append("  # enter w; depth w 8 KiB; leave w\n");
        b.append("}\n");
        written++;
        commentedOut = true;
        if (written + 12 > n) break;
      }
      b.append("\n# thread ").append(t).append('\n')
          .append("fork t").append(t).append(" on cpu ").append(t % 4).append(" policy linux_dynamic\n")
          .append("enter t").append(t).append("; depth t").append(t).append(" 12 KiB  # deep\n")
          .append("leave t").append(t).append('\n')
          .append("if t").append(t).append(".depth > 8 KiB {\n")
          .append("  print \"deep\", t").append(t).append(".depth\n")
          .append("}\n")
          .append("repeat 2 { sleep t").append(t).append("; wake t").append(t).append(" }\n")
          .append("\n")
          .append("exit t").append(t).append('\n')
          .append("expect t").append(t).append(".depth >= 0 and latency.fork.mean < 1 ms\n");
      written += 12;
    }
    while (written < n) { b.append('\n'); written++; }
    return b.toString();
  }
}
