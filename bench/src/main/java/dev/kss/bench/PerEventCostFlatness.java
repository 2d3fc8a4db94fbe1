package dev.kss.bench;

import dev.kss.machine.Machine;
import dev.kss.machine.op.Op;
import dev.kss.machine.sched.Task;
import dev.kss.machine.sched.ThreadKind;
import dev.kss.machine.stack.Policy;
import java.util.SplittableRandom;
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
 * Target 4: the cost of one event stays flat (within 30%) from 1,000 to 1,000,000 live threads.
 * {@code live} user threads of {@code linux_dynamic_enter} are forked in the setup on 64 CPUs (thread
 * i on CPU i % 64). Two churns on top of them, in ns per event (AverageTime):
 * <ul>
 *   <li>{@code enterDepthLeave}: enter, depth, leave on a live thread chosen at random (seeded
 *       SplittableRandom), depths cycling as in {@link EntryDepthChurn}: 1024 x 3 events per call;
 *   <li>{@code enterDepthLeaveHot}: the same on a thread chosen at random among the first 1,000 only:
 *       a control with the same live count but a working set that fits the host's caches;
 *   <li>{@code forkExit}: fork a thread on a random CPU and exit it again, 64 pairs per call, while
 *       the {@code live} threads stay.
 * </ul>
 * The ratio score(1,000,000) / score(1,000) is the figure: at most 1.3.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xms3g", "-Xmx3g"})
@Threads(1)
public class PerEventCostFlatness {
  static final int ROUNDS = 1024, PAIRS = 64, HOT = 1000;
  static final String POLICY = "linux_dynamic_enter";

  @Param({"1000", "1000000"})
  public int live;

  Machine machine;
  Policy policy;
  Task[] tasks;
  SplittableRandom rng;
  int turn;

  @Setup(Level.Trial)
  public void setup() {
    machine = Sim.machine(POLICY);
    policy = Sim.policy(machine, POLICY);
    tasks = new Task[live];
    for (int i = 0; i < live; i++) tasks[i] = machine.apply(new Op.Fork("t[" + i + "]", i % Sim.CPUS, ThreadKind.USER, policy.id, null));
    rng = new SplittableRandom(42);
    Sim.settle();
  }

  @TearDown(Level.Trial)
  public void verify() { Sim.check(machine, live); }

  @Benchmark
  @OperationsPerInvocation(3 * ROUNDS)
  public long enterDepthLeave() { return enterDepthLeaveAmong(tasks.length); }

  @Benchmark
  @OperationsPerInvocation(3 * ROUNDS)
  public long enterDepthLeaveHot() { return enterDepthLeaveAmong(HOT); }

  /** enter, depth, leave on a thread drawn at random from the first {@code n}. */
  private long enterDepthLeaveAmong(int n) {
    Machine m = machine;
    Task[] ts = tasks;
    SplittableRandom r = rng;
    int d = turn;
    for (int j = 0; j < ROUNDS; j++) {
      Task t = ts[r.nextInt(n)];
      m.apply(new Op.Enter(t));
      m.apply(new Op.Depth(t, EntryDepthChurn.DEPTHS[d]));
      m.apply(new Op.Leave(t));
      if (++d == EntryDepthChurn.DEPTHS.length) d = 0;
    }
    turn = d;
    return m.now();
  }

  @Benchmark
  @OperationsPerInvocation(2 * PAIRS)
  public long forkExit() {
    Machine m = machine;
    Policy p = policy;
    SplittableRandom r = rng;
    for (int j = 0; j < PAIRS; j++) {
      Task t = m.apply(new Op.Fork("f", r.nextInt(Sim.CPUS), ThreadKind.USER, p.id, null));
      m.apply(new Op.Exit(t));
    }
    return m.now();
  }
}
