package dev.kss.bench;

import dev.kss.ast.Source;
import dev.kss.check.Checker;
import dev.kss.machine.Machine;
import dev.kss.machine.sched.Task;
import dev.kss.machine.stack.Policy;
import dev.kss.parse.Parser;
import dev.kss.run.Options;
import dev.kss.run.Session;

/**
 * Builds a configured {@link Machine} the way a script would: a small setup script runs through the
 * interpreter (parse, check, run), which defines each policy the script forks a thread with. The
 * benchmarks then drive the machine directly; the interpreter is not in the measured loop.
 */
public final class Sim {
  /** The machine every benchmark uses: 64 CPUs, otherwise the defaults (16 GiB, 4 KiB pages). */
  public static final int CPUS = 64;

  private Sim() {}

  /**
   * A machine with {@link #CPUS} CPUs and {@code use linux} on which one thread of each of
   * {@code policies} was forked and has exited again: the policies are defined, nothing is live.
   */
  public static Machine machine(String... policies) {
    StringBuilder s = new StringBuilder("machine {\n  cpus " + CPUS + "\n}\nuse linux\n");
    for (int i = 0; i < policies.length; i++) {
      s.append("fork warm").append(i).append(" on cpu 0 policy ").append(policies[i]).append('\n');
      s.append("exit warm").append(i).append('\n');
    }
    Machine m = session(s.toString()).machine();
    if (!m.liveTasks().isEmpty()) throw new IllegalStateException("the setup left threads live");
    return m;
  }

  /** Parses, checks and runs {@code text} to its end, printing nothing. */
  public static Session session(String text) {
    Options options = dev.kss.js.Js.enable(Options.defaults()).withPrinter(line -> { });
    Checker checker = new Checker(options.modules());
    checker.add(Parser.parse(Source.of("bench-setup.kss", text)));
    Session session = new Session(checker.program(), options);
    session.runToEnd();
    return session;
  }

  /** The machine's policy called {@code name} (defined by the setup script). */
  public static Policy policy(Machine m, String name) {
    for (Policy p : m.policies()) if (p.name.equals(name)) return p;
    throw new IllegalArgumentException("no policy " + name + " in the machine; it has " + m.policies());
  }

  /**
   * A full GC at the end of a fixture's setup: the threads it built move to the old generation now,
   * rather than in the first young collection of a measured iteration (a 1,000,000-thread fixture
   * costs a ~0.4 s copy there).
   */
  public static void settle() {
    for (int i = 0; i < 2; i++) System.gc();
  }

  /** Sanity check after a run: the model's own invariants, and the thread count. */
  public static void check(Machine m, int live) {
    m.checkInvariants();
    if (m.liveTasks().size() != live)
      throw new IllegalStateException(m.liveTasks().size() + " threads live, expected " + live);
    for (Task t : m.liveTasks()) if (!t.alive()) throw new IllegalStateException(t + " is dead");
    // Violations are the model's findings, not errors; none are expected from these churns.
    double viol = (Double) m.metric("violations.total", null);
    if (viol != 0) System.out.println("note: the churn caused " + (long) viol + " violations");
  }
}
