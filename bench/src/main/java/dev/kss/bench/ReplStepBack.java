package dev.kss.bench;

import dev.kss.repl.Debugger;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The REPL's {@code :step} and {@code :back} after 100,000 events: 16 threads of
 * {@code linux_dynamic} on 4 CPUs entering, going deep, sleeping and waking. One invocation is one
 * command as typed (output discarded); the setup undoes it, unmeasured. Target: under 50 ms each.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 20)
@Measurement(iterations = 200)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xms2g", "-Xmx2g"})
public class ReplStepBack {
  static final String SCRIPT = """
      machine { cpus 4 }
      use linux
      for i in 0..15 { fork t[i] on cpu i % 4 policy linux_dynamic }
      dist d = histogram { 2 KiB: 60%, 6 KiB: 30%, 14 KiB: 10% }
      for n in 0..99999 {
        let i = n % 16
        syscall t[i] dist d { depth t[i] dist d }
        if n % 7 == 0 { sleep t[i]; wake t[i] on cpu (i + 1) % 4 }
      }
      """;

  /** How many events to go back: 1 (the step just taken) or 1000. */
  @Param({"1", "1000"}) long back;

  Debugger debugger;

  @Setup(Level.Trial) public void load() throws IOException {
    Path f = Files.createTempFile("repl-bench", ".kss");
    Files.writeString(f, SCRIPT);
    debugger = new Debugger(new PrintWriter(Writer.nullWriter()));
    debugger.handle(":load " + f);
    debugger.handle(":step 100000");
    Files.delete(f);
    if (debugger.session().events() != 100_000) throw new IllegalStateException("ran " + debugger.session().events() + " events");
  }

  @State(Scope.Thread)
  public static class Stepped {
    @Setup(Level.Invocation) public void stepFirst(ReplStepBack b) { b.debugger.handle(":step " + b.back); }
  }

  @State(Scope.Thread)
  public static class Backed {
    @Setup(Level.Invocation) public void backFirst(ReplStepBack b) { b.debugger.handle(":back " + b.back); }
  }

  /** {@code :back N} with the session N events ahead of 100,000. */
  @Benchmark public long back(Stepped s) {
    debugger.handle(":back " + back);
    return debugger.session().events();
  }

  /** {@code :step N} with the session N events behind 100,000 (right after a :back). */
  @Benchmark public long step(Backed b) {
    debugger.handle(":step " + back);
    return debugger.session().events();
  }
}
