package dev.kss.cli;

import dev.kss.js.Js;
import dev.kss.run.Options;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kss FILE.kss}, {@code kss run FILE.kss [--seed N] [--json OUT] [--check] [--debug]}, {@code kss [repl [FILE.kss]]} (REPL),
 * {@code kss replay TRACE --policy A --policy B ...}.
 */
@Command(name = "kss", mixinStandardHelpOptions = true, version = "kss 0.1.0",
    description = "Kernel-stack scenario simulator: runs a .kss scenario and checks its expectations.",
    footer = {"", "Exit codes: 0 every expectation held, 1 one failed, 2 the script is wrong."},
    subcommands = {Main.Run.class, Main.Repl.class, Main.ReplayTrace.class})
public final class Main implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "FILE.kss", description = "the scenario to run")
  String file;

  @Mixin RunOptions options;

  PrintStream out = System.out, err = System.err;

  public static void main(String[] args) {
    System.exit(execute(args, System.out, System.err));
  }

  /** Runs the command line; returns the exit code. Never throws. */
  public static int execute(String[] args, PrintStream out, PrintStream err) {
    Main main = new Main();
    main.out = out;
    main.err = err;
    CommandLine cl = new CommandLine(main);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    cl.setExitCodeExceptionMapper(e -> 2);
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      err.println("kss: internal error: " + e);
      return 2;
    });
    try {
      return cl.execute(args);
    } catch (RuntimeException e) {
      err.println("kss: internal error: " + e);
      return 2;
    }
  }

  @Override public Integer call() {
    if (file == null) return dev.kss.repl.Repl.start(null, Js.enable(Options.defaults()));
    return options.run(file, out, err);
  }

  @Command(name = "run", mixinStandardHelpOptions = true, description = "Run a scenario and report.")
  static final class Run implements Callable<Integer> {
    @CommandLine.ParentCommand Main parent;
    @Parameters(index = "0", paramLabel = "FILE.kss", description = "the scenario to run") String file;
    @Mixin RunOptions options;

    @Override public Integer call() { return options.run(file, parent.out, parent.err); }
  }

  @Command(name = "repl", mixinStandardHelpOptions = true,
      description = "Start the REPL (also: kss without arguments), with FILE.kss loaded but not run.")
  static final class Repl implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE.kss", description = "the scenario to step through") String file;

    @Override public Integer call() { return dev.kss.repl.Repl.start(file, Js.enable(Options.defaults())); }
  }

  @Command(name = "replay", mixinStandardHelpOptions = true,
      description = "Replay a recorded perf scheduler trace under each policy, side by side with what the recording kernel reported.")
  static final class ReplayTrace implements Callable<Integer> {
    @CommandLine.ParentCommand Main parent;
    @Parameters(index = "0", paramLabel = "TRACE", description = "perf script output (plain, .gz or .xz)") String trace;
    @Option(names = "--policy", paramLabel = "NAME", description = "a stdlib policy (repeatable; default: the default policy)")
    List<String> policies = new ArrayList<>();
    @Option(names = "--cpus", paramLabel = "N", description = "the machine's CPUs (default: the trace's)") Integer cpus;
    @Option(names = "--rcu-gp", paramLabel = "DURATION", description = "the machines' minimum RCU grace period (default 3ms; the recording kernel's, if known)")
    String rcuGp;
    @Option(names = "--seed", paramLabel = "N", description = "the random seed") Long seed;
    @Option(names = "--json", paramLabel = "OUT.json", description = "also write the table as JSON") Path json;
    @Option(names = "--check", description = "check the machine's invariants after every operation (slower)") boolean check;
    @Option(names = "--jobs", paramLabel = "N", description = "policies replayed at once (default: the cores)")
    int jobs = Runtime.getRuntime().availableProcessors();

    @Override public Integer call() { return new ReplayCommand(parent.out, parent.err).run(trace, policies, cpus, rcuGp, seed, json, check, jobs); }
  }

  static final class RunOptions {
    @Option(names = "--seed", paramLabel = "N", description = "the random seed (overrides the script's seed)")
    Long seed;
    @Option(names = "--json", paramLabel = "OUT.json", description = "also write the metrics and expectations as JSON (-: only the JSON, on standard output)")
    Path json;
    @Option(names = "--check", description = "check the machine's invariants after every event (slower)")
    boolean check;
    @Option(names = "--debug", description = "show stack traces of internal errors")
    boolean debug;
    @Option(names = "--witness", paramLabel = "OUT.kss", description = "write the shortest interleaving an explore found as a script")
    Path witness;
    @Option(names = "--max-states", paramLabel = "N", description = "bound each explore's search to N distinct states (default 1000000)")
    long maxStates = Options.MAX_STATES;

    int run(String file, PrintStream out, PrintStream err) {
      if (maxStates < 1) {
        err.println("kss: --max-states must be at least 1, not " + maxStates);
        return 2;
      }
      Options o = Js.enable(Options.defaults()).withSeed(seed).withCheck(check).withMaxStates(maxStates);
      return new Runner(out, err, debug).run(file, o, json, witness);
    }
  }
}
