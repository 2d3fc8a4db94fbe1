package dev.kss.bench;

import dev.kss.ast.Source;
import dev.kss.check.Checker;
import dev.kss.check.Program;
import dev.kss.parse.Parser;
import dev.kss.run.Expectation;
import dev.kss.run.Options;
import dev.kss.run.Session;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * explore on one core: a 3-CPU case (Laight's race with two readers) searched from the start; the
 * score is the time of one whole search (and the run around it). The setup prints the
 * interleavings (what a search without merging would enumerate) and the distinct states
 * explored, so that states per second = states / score.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xss8m", "-Xms1g", "-Xmx1g"})
@Threads(1)
public class ExploreSearch {
  static final String THREE_CPUS = """
      machine { cpus 3 }
      use linux
      policy local_flush extends linux_dynamic_enter { invalidate local }
      fork a on cpu 0 as user policy local_flush
      fork b on cpu 0 as user policy local_flush
      explore {
        cpu 0 { enter a; depth a 12 KiB; publish a at 10 KiB; leave a; enter b; depth b 12 KiB; sleep b; enter a; depth a 12 KiB }
        cpu 1 { touch a at 10 KiB; touch a at 10 KiB; touch a at 6 KiB }
        cpu 2 { touch a at 10 KiB; touch a at 6 KiB; touch a at 10 KiB }
      }
      expect exists local_flush.violations.stale_tlb > 1
      expect never violations.double_fault > 0
      """;

  static final String LAIGHT = """
      machine { cpus 2 }
      use linux
      policy local_flush extends linux_dynamic_enter { invalidate local }
      fork a on cpu 0 as user policy local_flush
      fork b on cpu 0 as user policy local_flush
      explore {
        cpu 0 { enter a; depth a 12 KiB; publish a at 10 KiB; leave a; enter b; depth b 12 KiB; sleep b; enter a; depth a 12 KiB }
        cpu 1 { touch a at 10 KiB; touch a at 10 KiB }
      }
      expect exists local_flush.violations.stale_tlb > 0
      """;

  Program threeCpus, laight;

  static Program program(String text) {
    Checker c = new Checker(dev.kss.check.Modules.CLASSPATH);
    c.add(Parser.parse(Source.of("explore.kss", text)));
    return c.program();
  }

  static Session run(Program p) {
    Session s = new Session(p, Options.defaults().withPrinter(x -> {}));
    s.runToEnd();
    return s;
  }

  @Setup public void setUp() {
    threeCpus = program(THREE_CPUS);
    laight = program(LAIGHT);
    for (Program p : new Program[] {threeCpus, laight}) {
      Expectation e = run(p).expectations().get(0);
      System.out.println("# " + (p == threeCpus ? "3 CPUs" : "Laight, 2 CPUs") + ": " + e.verdict().interleavings()
          + " interleavings, " + e.verdict().states() + " distinct states");
    }
  }

  @Benchmark public Session searchThreeCpus() { return run(threeCpus); }

  @Benchmark public Session searchLaight() { return run(laight); }
}
