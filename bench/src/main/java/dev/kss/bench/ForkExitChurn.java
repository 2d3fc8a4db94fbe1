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
 * Target 1: fork/exit churn with {@code linux_vmap_cache} on 64 CPUs. One invocation forks and
 * exits one thread on each CPU in turn (thread i on CPU i % 64): 64 forks and 64 exits, 128 events.
 * Score: events (Machine calls) per second; the target is 5 million.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xms1g", "-Xmx1g"})
@Threads(1)
public class ForkExitChurn {
  static final int PAIRS = Sim.CPUS;

  Machine machine;
  Policy policy;

  @Setup(Level.Trial)
  public void setup() {
    machine = Sim.machine("linux_vmap_cache");
    policy = Sim.policy(machine, "linux_vmap_cache");
  }

  @TearDown(Level.Trial)
  public void verify() { Sim.check(machine, 0); }

  @Benchmark
  @OperationsPerInvocation(2 * PAIRS)
  public long forkExit() {
    Machine m = machine;
    Policy p = policy;
    for (int i = 0; i < PAIRS; i++) {
      Task t = m.apply(new Op.Fork("t", i % Sim.CPUS, ThreadKind.USER, p.id, null));
      m.apply(new Op.Exit(t));
    }
    return m.now();
  }
}
