package dev.kss.run;

import dev.kss.check.Modules;
import java.util.function.Consumer;

/**
 * How a session runs. {@code seed} overrides the script's {@code seed} when non-null;
 * {@code check} calls the machine's invariant check after every event; {@code budget} (0: none)
 * stops the run with an error after that many steps (statements executed and loop turns), so that
 * no script runs forever; {@code printer} receives each {@code print} line. {@code modules} is where
 * the checker finds used modules and hook modules, {@code hooks} how the session attaches the latter
 * (the CLI gives both the JS bridge; by default there are only the stdlib modules).
 * {@code maxStates} bounds each explore's search (distinct states).
 */
public record Options(Long seed, boolean check, long budget, Consumer<String> printer, Modules modules, HookFactory hooks, long maxStates) {
  /** An explore's default bound on distinct states. */
  public static final long MAX_STATES = 1_000_000;

  public static Options defaults() { return new Options(null, false, 0, System.out::println, Modules.CLASSPATH, HookFactory.NONE, MAX_STATES); }

  public Options withSeed(Long s) { return new Options(s, check, budget, printer, modules, hooks, maxStates); }
  public Options withCheck(boolean c) { return new Options(seed, c, budget, printer, modules, hooks, maxStates); }
  public Options withBudget(long b) { return new Options(seed, check, b, printer, modules, hooks, maxStates); }
  public Options withPrinter(Consumer<String> p) { return new Options(seed, check, budget, p, modules, hooks, maxStates); }
  public Options withExtensions(Modules m, HookFactory h) { return new Options(seed, check, budget, printer, m, h, maxStates); }
  public Options withMaxStates(long n) { return new Options(seed, check, budget, printer, modules, hooks, n); }
}
