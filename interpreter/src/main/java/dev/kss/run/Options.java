package dev.kss.run;

import java.util.function.Consumer;

/**
 * How a session runs. {@code seed} overrides the script's {@code seed} when non-null;
 * {@code check} calls the machine's invariant check after every event; {@code budget} (0: none)
 * stops the run with an error after that many steps (statements executed and loop turns), so that
 * no script runs forever; {@code printer} receives each {@code print} line.
 */
public record Options(Long seed, boolean check, long budget, Consumer<String> printer) {
  public static Options defaults() { return new Options(null, false, 0, System.out::println); }

  public Options withSeed(Long s) { return new Options(s, check, budget, printer); }
  public Options withCheck(boolean c) { return new Options(seed, c, budget, printer); }
  public Options withBudget(long b) { return new Options(seed, check, b, printer); }
  public Options withPrinter(Consumer<String> p) { return new Options(seed, check, budget, p); }
}
