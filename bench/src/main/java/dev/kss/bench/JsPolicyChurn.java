package dev.kss.bench;

import dev.kss.machine.Machine;
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
 * same policy without its cache. One invocation forks and exits one thread on each of 64 CPUs
 * (128 events); both run in one JMH run, so their ratio is measured under the same conditions.
 * Each JS event is one hook call (alloc at fork, free at exit).
 *
 * <p>For GraalJS's optimizing runtime, pass the Graal compiler to the forked JVM (JDK 25+):
 * {@code -jvmArgsAppend "-XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI --upgrade-module-path=..."}
 * with the jars of interpreter/target/upgrade (BENCHMARKS.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xms1g", "-Xmx1g", "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED"})
@Threads(1)
public class JsPolicyChurn {
  static final int PAIRS = Sim.CPUS;

  Machine machine;
  Policy builtin, js;

  @Setup(Level.Trial)
  public void setup() {
    String script = "machine {\n  cpus " + Sim.CPUS + "\n}\nuse linux\n"
        + "policy plain extends linux_vmap_cache { cache none }\n"
        + "policy lifo = js \"numa_lifo\" extends plain { per_cpu 2 }\n"
        + "fork w0 policy linux_vmap_cache\nexit w0\nfork w1 policy lifo\nexit w1\n";
    machine = Sim.session(script).machine();
    builtin = Sim.policy(machine, "linux_vmap_cache");
    js = Sim.policy(machine, "lifo");
  }

  @TearDown(Level.Trial)
  public void verify() {
    Sim.check(machine, 0);
    if (dev.kss.js.JsPolicy.of(js).ejection() != null) throw new IllegalStateException("ejected: " + dev.kss.js.JsPolicy.of(js).ejection().summary());
  }

  private long churn(Policy p) {
    Machine m = machine;
    for (int i = 0; i < PAIRS; i++) {
      Task t = m.fork("t", i % Sim.CPUS, ThreadKind.USER, p, null);
      m.exit(t);
    }
    return m.now();
  }

  @Benchmark
  @OperationsPerInvocation(2 * PAIRS)
  public long builtin() { return churn(builtin); }

  @Benchmark
  @OperationsPerInvocation(2 * PAIRS)
  public long js() { return churn(js); }
}
