package dev.kss.bench;

import dev.kss.ast.Source;
import dev.kss.check.Checker;
import dev.kss.check.Program;
import dev.kss.parse.Parser;
import dev.kss.run.Options;
import dev.kss.run.Session;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * For reference: the same churns as {@link ForkExitChurn} and {@link EntryDepthChurn} written as
 * .kss scripts and run through the interpreter (a fresh Session and Machine per call; parsing and
 * checking happen once, in the setup). Score: events per second, as the session counts them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xss8m", "-Xms1g", "-Xmx1g"})
@Threads(1)
public class InterpreterChurn {
  static final int PAIRS = 20_000;
  static final String FORK_EXIT = """
      machine { cpus 64 }
      use linux
      for i in 0..19999 {
        fork c[i] on cpu i % 64 policy linux_vmap_cache
        exit c[i]
      }
      """;
  static final long FORK_EXIT_EVENTS = 2L * PAIRS;

  static final int THREADS = 1024, ROUNDS = 10;
  static final String ENTER_DEPTH_LEAVE = """
      machine { cpus 64 }
      use linux
      for i in 0..1023 {
        fork u[i] on cpu i % 64 policy linux_dynamic_enter
      }
      for r in 1..10 {
        for i in 0..1023 {
          enter u[i]
          depth u[i] ((r + i) % 6 + 1) * 2 KiB
          leave u[i]
        }
      }
      """;
  static final long ENTER_DEPTH_LEAVE_EVENTS = THREADS + 3L * THREADS * ROUNDS;

  Program forkExit, enterDepthLeave;

  @Setup(Level.Trial)
  public void setup() {
    forkExit = program("fork-exit-churn.kss", FORK_EXIT, FORK_EXIT_EVENTS);
    enterDepthLeave = program("enter-depth-leave-churn.kss", ENTER_DEPTH_LEAVE, ENTER_DEPTH_LEAVE_EVENTS);
  }

  private static Program program(String name, String text, long events) {
    Program p = Checker.check(Parser.parse(Source.of(name, text)));
    long n = run(p);
    if (n != events) throw new IllegalStateException(name + " ran " + n + " events, expected " + events);
    return p;
  }

  /** Runs {@code p} to its end in a fresh session and machine; returns the events it ran. */
  static long run(Program p) {
    Session s = new Session(p, Options.defaults().withPrinter(line -> { }));
    s.runToEnd();
    return s.events();
  }

  @Benchmark
  @OperationsPerInvocation((int) FORK_EXIT_EVENTS)
  public long forkExitScript() { return run(forkExit); }

  @Benchmark
  @OperationsPerInvocation((int) ENTER_DEPTH_LEAVE_EVENTS)
  public long enterDepthLeaveScript() { return run(enterDepthLeave); }
}
