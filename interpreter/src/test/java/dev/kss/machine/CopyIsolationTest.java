package dev.kss.machine;

import static org.junit.jupiter.api.Assertions.*;

import dev.kss.machine.base.SimError;
import dev.kss.machine.op.Op;
import dev.kss.machine.sched.Task;
import dev.kss.machine.sched.ThreadKind;
import dev.kss.machine.stack.PolicyConfig;
import dev.kss.machine.tlb.Invalidate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Copies share what neither side has written yet (TLBs, page-table leaves, free lists): random
 * operations on the original after a copy must never show in the copy, and the copy must then go
 * on exactly as the original did. Each copy is compared with a machine that replays the same
 * operations from nothing, never copied.
 */
class CopyIsolationTest {
  /** One random step, by thread name (so that it can be applied to a copy, whose threads are copies). */
  private record Step(int kind, String thread, long arg, int cpu, int policy) {}

  /** A machine and every thread it forked, by name. */
  private static final class Run {
    final Machine m;
    final Map<String, Task> threads = new HashMap<>();

    Run(Machine m) { this.m = m; }

    Run(Run o, Machine copy) {
      m = copy;
      for (Task t : copy.liveTasks()) threads.put(t.name, t);
      for (Map.Entry<String, Task> e : o.threads.entrySet()) threads.putIfAbsent(e.getKey(), e.getValue());   // dead ones: only their names matter
    }

    void apply(Step s) {
      Task t = s.thread == null ? null : threads.get(s.thread);
      try {
        switch (s.kind) {
          case 0 -> threads.put("t" + threads.size(), m.apply(new Op.Fork("t" + threads.size(), s.cpu, s.arg % 2 == 0 ? ThreadKind.USER : ThreadKind.KERNEL, s.policy, null)));
          case 1 -> m.apply(new Op.Exit(t));
          case 2 -> m.apply(new Op.Enter(t));
          case 3 -> m.apply(new Op.Leave(t));
          case 4 -> m.apply(new Op.Depth(t, s.arg));
          case 5 -> m.apply(new Op.Touch(t, 1 + s.arg % t.stack.size(), s.cpu));
          case 6 -> m.apply(new Op.Sleep(t));
          case 7 -> m.apply(new Op.Wake(t, s.cpu));
          case 8 -> m.apply(new Op.Migrate(t, s.cpu));
          case 9 -> m.apply(new Op.Advance(s.arg * 1000));
          case 10 -> m.apply(new Op.PreemptDisable(t));
          case 11 -> m.apply(new Op.PreemptEnable(t));
          default -> m.apply(new Op.Publish(t, 1 + s.arg % t.stack.size()));
        }
      } catch (SimError refused) {
        // an impossible request (a dead thread, a sleeping one): refused alike on every copy
      }
    }
  }

  private static Machine machine() {
    MachineConfig c = new MachineConfig();
    c.cpus = 4;
    c.memory = 256L << 20;
    Machine m = new Machine(c);
    PolicyConfig dyn = new PolicyConfig();
    dyn.populateUser = 1;
    dyn.populateKernel = 1;
    dyn.growOnFault = true;
    dyn.supplyPerCpu = 3;
    dyn.faultStack = PolicyConfig.FaultStack.IST;
    dyn.shrinkOnLeave = true;
    dyn.invalidate = Invalidate.LOCAL;
    m.definePolicy("dyn", dyn);
    PolicyConfig rcu = new PolicyConfig();
    rcu.free = PolicyConfig.Free.AFTER_RCU;
    m.definePolicy("rcu", rcu);
    PolicyConfig arena = new PolicyConfig();
    arena.backing = PolicyConfig.Backing.ARENA;
    arena.cache = PolicyConfig.CacheKind.GLOBAL;
    arena.cacheSize = 4;
    m.definePolicy("arena", arena);
    PolicyConfig direct = new PolicyConfig();
    direct.backing = PolicyConfig.Backing.DIRECT;
    direct.guardPages = 0;
    m.definePolicy("direct", direct);
    return m;
  }

  private static Step step(Random r, Run run) {
    List<String> names = new ArrayList<>(run.threads.keySet());
    names.sort(null);
    int kind = names.isEmpty() || r.nextInt(8) == 0 ? 0 : 1 + r.nextInt(12);
    String t = names.isEmpty() ? null : names.get(r.nextInt(names.size()));
    if (kind == 1 && r.nextInt(3) > 0) kind = 2;   // exits more rarely than the rest
    return new Step(kind, t, r.nextInt(5 * 4096), r.nextInt(4), r.nextInt(5));
  }

  private static List<Step> walk(Random r, Run run, int n) {
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Step s = step(r, run);
      run.apply(s);
      steps.add(s);
    }
    return steps;
  }

  private static Run replay(List<Step> steps) {
    Run r = new Run(machine());
    for (Step s : steps) r.apply(s);
    return r;
  }

  private static void same(Run expected, Run actual, String what) {
    assertTrue(expected.m.sameState(actual.m), what + ": not the same state");
    assertEquals(expected.m.stateHash(), actual.m.stateHash(), what + ": not the same hash");
    for (String metric : List.of("time.now", "stacks.resident", "tlb.misses", "violations.total", "latency.fork.p99", "free.deferred", "cache.hits"))
      assertEquals(expected.m.metric(metric, null), actual.m.metric(metric, null), what + ": " + metric);
    actual.m.checkInvariants();
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
  void aCopyNeverSeesTheOriginalsLaterWritesAndThenGoesOnAsItDid(int seed) {
    Random r = new Random(seed);
    Run original = new Run(machine());
    List<Step> before = walk(r, original, 150);
    Run copy = new Run(original, original.m.copy());
    List<Step> after = walk(r, original, 150);
    same(replay(before), copy, "the copy after the original ran on");

    Run second = new Run(copy, copy.m.copy());   // a copy of a copy, as the REPL's :back makes
    for (Step s : after) copy.apply(s);
    same(original, copy, "the copy after the same operations");
    List<Step> all = new ArrayList<>(before);
    all.addAll(after);
    same(replay(all), copy, "the copy against a replay");
    same(replay(before), second, "the copy's copy, untouched");
  }
}
