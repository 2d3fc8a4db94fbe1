package dev.kss.bench;

import dev.kss.ast.Source;
import dev.kss.check.Checker;
import dev.kss.check.Program;
import dev.kss.parse.Parser;
import dev.kss.run.Options;
import dev.kss.run.Session;
import dev.kss.trace.PerfScript;
import dev.kss.trace.Replay;
import dev.kss.trace.TraceEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 14's throughput target: at least 1 M trace lines a second, end to end, on one core, for
 * perf's default line shape. The trace is a {@link SyntheticTrace} of {@value #LINES} lines
 * (plain text, written to a temporary file in the setup and read from the page cache), on
 * {@code cpus} CPUs. Score: trace lines per second (every line: events, call-chain and blank
 * lines), single-threaded.
 *
 * <ul>
 *   <li>{@code reader}: {@code PerfScript.next()} to the end of the file (decoding, parsing, the
 *       events a replay uses built);
 *   <li>{@code replay}: {@code machine { cpus N } / use linux / replay "FILE" policy
 *       linux_vmap_switch} through a fresh {@link Session} (parsed and checked once, in the setup):
 *       the survey pass, the set-up and the replay over the machine, as {@code ./kss FILE.kss} runs
 *       it (less the JVM start and the report);
 *   <li>{@code readLines}: a {@code BufferedReader.readLine()} loop over the same file, for
 *       reference (what decoding the text costs before any parsing).
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xss8m", "-Xms512m", "-Xmx512m"})
@Threads(1)
public class ReplayThroughput {
  static final int LINES = 1_000_000;

  @Param({"4"})
  public int cpus;

  Path dir, trace;
  Program replay;
  long forks;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    dir = Files.createTempDirectory("kss-replay-bench");
    trace = dir.resolve("synthetic-" + cpus + ".perf.txt");
    SyntheticTrace.Written w = SyntheticTrace.write(trace, LINES, cpus, SyntheticTrace.DEFAULT_SEED, SyntheticTrace.DEFAULT_THREAD_CHAIN);
    if (w.lines() != LINES) throw new IllegalStateException("wrote " + w.lines() + " lines");
    forks = w.count(SyntheticTrace.Kind.FORK);
    replay = program(trace, cpus);
    Session s = run(replay);
    Replay r = s.lastReplay();
    if (r == null || r.skipped() != 0 || r.forks() != forks || r.events() != w.eventLines())
      throw new IllegalStateException("the replay did not run the trace as written: " + (r == null ? "no replay"
          : r.forks() + " forks of " + forks + ", " + r.skipped() + " skipped, " + r.events() + " event lines of " + w.eventLines()));
    System.out.println("\n  [" + trace.getFileName() + ": " + w + "; " + Files.size(trace) + " bytes]");
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    Files.deleteIfExists(trace);
    Files.deleteIfExists(dir);
  }

  /** The replay script for {@code trace} on {@code cpus} CPUs, parsed and checked. */
  static Program program(Path trace, int cpus) {
    String text = "machine { cpus " + cpus + " }\nuse linux\nreplay \"" + trace.toAbsolutePath() + "\" policy linux_vmap_switch\n";
    return Checker.check(Parser.parse(Source.of("replay-bench.kss", text)));
  }

  static Session run(Program p) {
    Session s = new Session(p, Options.defaults().withPrinter(line -> { }));
    s.runToEnd();
    return s;
  }

  @Benchmark
  @OperationsPerInvocation(LINES)
  public long reader() {
    try (PerfScript in = PerfScript.open(trace, "synthetic")) {
      long n = 0;
      for (TraceEvent e = in.next(); e != null; e = in.next()) n += e.cpu();
      if (in.lines() != LINES) throw new IllegalStateException(in.lines() + " lines");
      return n;
    }
  }

  @Benchmark
  @OperationsPerInvocation(LINES)
  public long replay() {
    Session s = run(replay);
    if (s.lastReplay().forks() != forks) throw new IllegalStateException("forks: " + s.lastReplay().forks());
    return s.events();
  }

  @Benchmark
  @OperationsPerInvocation(LINES)
  public long readLines() throws IOException {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(trace), StandardCharsets.UTF_8), 1 << 16)) {
      long n = 0;
      for (String l = in.readLine(); l != null; l = in.readLine()) n += l.length();
      return n;
    }
  }
}
