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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Copying a machine and comparing two, with 1,000 live threads of {@code linux_vmap_cache} on the
 * benchmarks' 64 CPUs, each having entered the kernel, gone 12 KiB deep and left once (so every
 * CPU's TLB holds entries). Targets (issue 12): a copy and a restore (the REPL's checkpoint and
 * its {@code :back}) at most 50 us, a hash or an equality at most 20 us.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xms1g", "-Xmx1g"})
public class MachineCopy {
  static final int THREADS = 1000;

  Machine machine, same, twin;
  Task[] tasks;
  int next;

  @Setup(Level.Trial)
  public void setup() {
    machine = build();
    twin = build();   // the same state, built on its own: nothing shared with machine
    same = machine.copy();
    if (!machine.sameState(twin) || machine.stateHash() != twin.stateHash()) throw new IllegalStateException("twins differ");
    tasks = machine.liveTasks().toArray(Task[]::new);
    Sim.settle();
  }

  static Machine build() {
    Machine m = Sim.machine("linux_vmap_cache");
    Policy p = Sim.policy(m, "linux_vmap_cache");
    for (int i = 0; i < THREADS; i++) {
      Task t = m.apply(new Op.Fork("t" + i, i % Sim.CPUS, ThreadKind.USER, p.id, null));
      m.apply(new Op.Enter(t));
      m.apply(new Op.Depth(t, 12 << 10));
      m.apply(new Op.Leave(t));
    }
    Sim.check(m, THREADS);
    return m;
  }

  /** A checkpoint (a copy) and going back to it (a copy of the copy, so that it can be gone back to again). */
  @Benchmark public Machine copyAndRestore() { return machine.copy().copy(); }

  /** A copy, then one event on it: what the shared parts cost once one side writes (a TLB, a page-table leaf). */
  @Benchmark public Machine copyThenAnEvent() {
    Machine c = machine.copy();
    Task t = c.liveTasks().get(next++ % THREADS);
    c.apply(new Op.Touch(t, 1, (t.cpu + 1) % Sim.CPUS));
    return c;
  }

  /** The hash after one event (the parts it changed hash again, the rest keep theirs). */
  @Benchmark public long hashAfterAnEvent() {
    Task t = tasks[next++ % THREADS];
    machine.apply(new Op.Touch(t, 1, t.cpu));
    return machine.stateHash();
  }

  /** Equality with a copy (the parts they share compare by identity). */
  @Benchmark public boolean equalsACopy() { return machine.sameState(same); }

  /** Equality with a machine built apart (every part compared in full): the worst case. */
  @Benchmark public boolean equalsATwin() { return machine.sameState(twin); }
}
