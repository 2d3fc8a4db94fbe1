package dev.kss.bench;

import dev.kss.machine.Machine;
import dev.kss.machine.op.Op;
import dev.kss.machine.sched.ThreadKind;
import dev.kss.machine.stack.Policy;
import java.lang.management.ManagementFactory;
import java.util.Locale;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Target 3: 1,000,000 live threads forked with {@code linux_dynamic} on 64 CPUs (thread i on CPU
 * i % 64, named {@code t[i]} as the interpreter would name them) in under 10 s and under 2 GiB of
 * heap. A single-shot benchmark: each iteration starts from a fresh machine (built outside the
 * timed part) and times the million forks; the heap used with the million threads live is measured
 * after {@code System.gc()} through the MemoryMXBean at the end of the iteration (not timed) and
 * printed in the iteration's line. (JMH reads secondary counters before the iteration's teardown,
 * and a GC inside the timed part would distort the time, so it is not a JMH secondary result.)
 *
 * <p>{@code main} does the same once in a fresh JVM, cold, and prints wall time and heap:
 * {@code ./kss bench million} (runs it with -Xmx3g).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx3g"})
@Threads(1)
public class MillionThreads {
  public static final int THREADS = 1_000_000;
  public static final String POLICY = "linux_dynamic";

  @Param({"KERNEL", "USER"})
  public ThreadKind kind;

  Machine machine;
  Policy policy;

  @Setup(Level.Iteration)
  public void fresh() {
    machine = null;
    System.gc();
    machine = Sim.machine(POLICY);
    policy = Sim.policy(machine, POLICY);
  }

  @Benchmark
  public Machine forkMillion() {
    forkAll(machine, policy, kind);
    return machine;
  }

  /** After the timed part: the heap with the threads live (read before the machine is dropped). */
  @TearDown(Level.Iteration)
  public void measure() {
    if (machine.liveTasks().size() != THREADS) throw new IllegalStateException("not all threads live");
    double mib = heapUsedAfterGc() / (1024.0 * 1024);
    System.out.printf(Locale.ROOT, "  [heap used after GC with %,d live threads: %.1f MiB]%n", THREADS, mib);
  }

  static void forkAll(Machine m, Policy p, ThreadKind kind) {
    for (int i = 0; i < THREADS; i++) m.apply(new Op.Fork("t[" + i + "]", i % Sim.CPUS, kind, p.id, null));
  }

  static long heapUsedAfterGc() {
    var mem = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) System.gc();
    return mem.getHeapMemoryUsage().getUsed();
  }

  /** One cold run per kind in this JVM: wall time of the forks, heap after GC; exit 1 if a target is missed. */
  public static void main(String[] args) {
    ThreadKind[] kinds = args.length == 0 ? ThreadKind.values()
        : java.util.Arrays.stream(args).map(a -> ThreadKind.valueOf(a.toUpperCase(Locale.ROOT))).toArray(ThreadKind[]::new);
    var rt = Runtime.getRuntime();
    System.out.printf(Locale.ROOT, "%s %s, max heap %.0f MiB, %d CPUs visible%n", System.getProperty("java.vm.name"),
        System.getProperty("java.version"), rt.maxMemory() / 1048576.0, rt.availableProcessors());
    boolean ok = true;
    for (ThreadKind kind : kinds) {
      long base = heapUsedAfterGc();
      Machine m = Sim.machine(POLICY);
      Policy p = Sim.policy(m, POLICY);
      long t0 = System.nanoTime();
      forkAll(m, p, kind);
      double secs = (System.nanoTime() - t0) / 1e9;
      long used = heapUsedAfterGc();
      double mib = used / 1048576.0;
      Sim.check(m, THREADS);
      System.out.printf(Locale.ROOT, "%,d %s threads with %s on %d CPUs: %.2f s (%.0f forks/s), heap used after GC %.1f MiB "
              + "(%.1f MiB above the JVM's baseline; %.0f bytes per thread); resident stacks %.0f MiB simulated%n",
          THREADS, kind.name().toLowerCase(Locale.ROOT), POLICY, Sim.CPUS, secs, THREADS / secs, mib, (used - base) / 1048576.0,
          (double) (used - base) / THREADS, (Double) m.metric("stacks.resident", null) / 1048576.0);
      boolean met = secs < 10 && used < (2L << 30);
      System.out.println("  target (< 10 s, < 2 GiB heap): " + (met ? "met" : "NOT met"));
      ok &= met;
      m = null;
    }
    System.exit(ok ? 0 : 1);
  }
}
