package dev.kss.bench;

import dev.kss.machine.Machine;
import dev.kss.machine.op.Op;
import dev.kss.machine.sched.Task;
import dev.kss.machine.sched.ThreadKind;
import dev.kss.machine.stack.Policy;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Target 2: kernel entry / depth / exit churn with {@code linux_dynamic_enter} on 64 CPUs. 64 x 16
 * user threads are forked in the setup (thread j on CPU j % 64). One invocation takes each thread in
 * turn through enter, depth, leave: 1024 x 3 = 3072 events. Consecutive threads sit on different
 * CPUs and each CPU has 16, so every enter first switches its CPU to the thread (a context switch
 * with the supply refill); the depths cycle through {@link #DEPTHS}, up to 12 KiB, so entry maps
 * 3 pages from the per-CPU supply and leave gives them back. Score: events per second; target 5 million.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xms1g", "-Xmx1g"})
@Threads(1)
public class EntryDepthChurn {
  static final int PER_CPU = 16, THREADS = Sim.CPUS * PER_CPU;
  /** Stack depths, cycled; 5 is prime to 1024, so each thread sees every size in turn. */
  static final long[] DEPTHS = {2 << 10, 6 << 10, 12 << 10, 9 << 10, 4 << 10};

  Machine machine;
  Task[] tasks;
  int turn;

  @Setup(Level.Trial)
  public void setup() {
    machine = Sim.machine("linux_dynamic_enter");
    Policy p = Sim.policy(machine, "linux_dynamic_enter");
    tasks = new Task[THREADS];
    for (int j = 0; j < THREADS; j++) tasks[j] = machine.apply(new Op.Fork("u" + j, j % Sim.CPUS, ThreadKind.USER, p.id, null));
    Sim.settle();
  }

  @TearDown(Level.Trial)
  public void verify() { Sim.check(machine, THREADS); }

  @Benchmark
  @OperationsPerInvocation(3 * THREADS)
  public long enterDepthLeave() {
    Machine m = machine;
    Task[] ts = tasks;
    int d = turn;
    for (int j = 0; j < ts.length; j++) {
      Task t = ts[j];
      m.apply(new Op.Enter(t));
      m.apply(new Op.Depth(t, DEPTHS[d]));
      m.apply(new Op.Leave(t));
      if (++d == DEPTHS.length) d = 0;
    }
    turn = d;
    return m.now();
  }
}
