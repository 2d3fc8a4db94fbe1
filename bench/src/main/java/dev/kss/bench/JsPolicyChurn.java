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
 * The same allocator built in and in JavaScript, on fork/exit churn: Linux's per-CPU cache of two
 * stacks ({@code linux_vmap_cache}) against stdlib/js/numa_lifo.js keeping two per CPU over the
 * same policy without its cache, with {@code steal no} so that it is the same algorithm (a local
 * hit at every fork after the first round). One invocation forks and exits one thread on each of
 * 64 CPUs (128 events); all run in one JMH run, so their ratio is measured under the same
 * conditions. Each JS event is one hook call (alloc at fork, free at exit).
 *
 * <p>{@code jsSteal} is numa_lifo as shipped (stealing within the node): a different algorithm.
 * With one thread live at a time a single stack circulates, each fork finding it in the previous
 * CPU's cache after a scan of the CPUs before it; it is here to show what that costs, not for the ratio.
 *
 * <p>GraalJS's optimizing runtime needs the Graal compiler in the forked JVM (JDK 25+): {@code ./kss
 * bench} passes it ({@code -jvmArgsPrepend} with the jars of interpreter/target/upgrade); run from
 * the jar, pass it by hand (BENCHMARKS.md). The setup prints which runtime runs the JS. The long warmup is Truffle's: on a 2-core machine the Graal compiler (itself
 * still being compiled by C2) needs some 30 s before the hooks run compiled.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 25, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xms1g", "-Xmx1g", "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED"})
@Threads(1)
public class JsPolicyChurn {
  static final int PAIRS = Sim.CPUS;

  Machine machine;
  Policy builtin, js, jsSteal;

  @Setup(Level.Trial)
  public void setup() {
    String script = "machine {\n  cpus " + Sim.CPUS + "\n}\nuse linux\n"
        + "policy plain extends linux_vmap_cache { cache none }\n"
        + "policy lifo = js \"numa_lifo\" extends plain {\n  per_cpu 2\n  steal no\n}\n"
        + "policy steal = js \"numa_lifo\" extends plain {\n  per_cpu 2\n}\n"
        + "fork w0 policy linux_vmap_cache\nexit w0\nfork w1 policy lifo\nexit w1\nfork w2 policy steal\nexit w2\n";
    machine = Sim.session(script).machine();
    builtin = Sim.policy(machine, "linux_vmap_cache");
    js = Sim.policy(machine, "lifo");
    jsSteal = Sim.policy(machine, "steal");
    System.out.println("JS runtime: " + dev.kss.js.Js.runtime());
  }

  @TearDown(Level.Trial)
  public void verify() {
    Sim.check(machine, 0);
    for (Policy p : new Policy[] {js, jsSteal}) {
      dev.kss.run.AttachedHooks j = dev.kss.run.Session.hooks(p);
      if (!j.running()) throw new IllegalStateException("ejected: " + j.metric("exit"));
    }
  }

  private long churn(Policy p) {
    Machine m = machine;
    for (int i = 0; i < PAIRS; i++) {
      Task t = m.apply(new Op.Fork("t", i % Sim.CPUS, ThreadKind.USER, p.id, null));
      m.apply(new Op.Exit(t));
    }
    return m.now();
  }

  @Benchmark
  @OperationsPerInvocation(2 * PAIRS)
  public long builtin() { return churn(builtin); }

  @Benchmark
  @OperationsPerInvocation(2 * PAIRS)
  public long js() { return churn(js); }

  @Benchmark
  @OperationsPerInvocation(2 * PAIRS)
  public long jsSteal() { return churn(jsSteal); }
}
