package dev.kss.bench;

import dev.kss.ast.Source;
import dev.kss.check.Checker;
import dev.kss.check.Program;
import dev.kss.parse.Parser;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A parallel block over 64 CPUs (issue 13): each CPU's program forks, makes a syscall and exits
 * 312 threads of linux_vmap_cache; the interpreter merges the 64 programs in time order (a fresh
 * Session and Machine per call; parsing and checking happen once, in the setup). Score: events per
 * second, as the session counts them (fork, enter, depth, depth 0, leave, exit: 6 per thread).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xss8m", "-Xms1g", "-Xmx1g"})
@Threads(1)
public class ParallelChurn {
  static final int CPUS = 64, PER_CPU = 312;
  static final long EVENTS = 6L * CPUS * PER_CPU;
  static final String SCRIPT = """
      machine { cpus 64 }
      use linux
      default policy linux_vmap_cache
      parallel {
        cpu 0 { for i in 0..311 { fork t0[i]; syscall t0[i] depth 2 KiB; exit t0[i] } }
        cpu 1 { for i in 0..311 { fork t1[i]; syscall t1[i] depth 2 KiB; exit t1[i] } }
        cpu 2 { for i in 0..311 { fork t2[i]; syscall t2[i] depth 2 KiB; exit t2[i] } }
        cpu 3 { for i in 0..311 { fork t3[i]; syscall t3[i] depth 2 KiB; exit t3[i] } }
        cpu 4 { for i in 0..311 { fork t4[i]; syscall t4[i] depth 2 KiB; exit t4[i] } }
        cpu 5 { for i in 0..311 { fork t5[i]; syscall t5[i] depth 2 KiB; exit t5[i] } }
        cpu 6 { for i in 0..311 { fork t6[i]; syscall t6[i] depth 2 KiB; exit t6[i] } }
        cpu 7 { for i in 0..311 { fork t7[i]; syscall t7[i] depth 2 KiB; exit t7[i] } }
        cpu 8 { for i in 0..311 { fork t8[i]; syscall t8[i] depth 2 KiB; exit t8[i] } }
        cpu 9 { for i in 0..311 { fork t9[i]; syscall t9[i] depth 2 KiB; exit t9[i] } }
        cpu 10 { for i in 0..311 { fork t10[i]; syscall t10[i] depth 2 KiB; exit t10[i] } }
        cpu 11 { for i in 0..311 { fork t11[i]; syscall t11[i] depth 2 KiB; exit t11[i] } }
        cpu 12 { for i in 0..311 { fork t12[i]; syscall t12[i] depth 2 KiB; exit t12[i] } }
        cpu 13 { for i in 0..311 { fork t13[i]; syscall t13[i] depth 2 KiB; exit t13[i] } }
        cpu 14 { for i in 0..311 { fork t14[i]; syscall t14[i] depth 2 KiB; exit t14[i] } }
        cpu 15 { for i in 0..311 { fork t15[i]; syscall t15[i] depth 2 KiB; exit t15[i] } }
        cpu 16 { for i in 0..311 { fork t16[i]; syscall t16[i] depth 2 KiB; exit t16[i] } }
        cpu 17 { for i in 0..311 { fork t17[i]; syscall t17[i] depth 2 KiB; exit t17[i] } }
        cpu 18 { for i in 0..311 { fork t18[i]; syscall t18[i] depth 2 KiB; exit t18[i] } }
        cpu 19 { for i in 0..311 { fork t19[i]; syscall t19[i] depth 2 KiB; exit t19[i] } }
        cpu 20 { for i in 0..311 { fork t20[i]; syscall t20[i] depth 2 KiB; exit t20[i] } }
        cpu 21 { for i in 0..311 { fork t21[i]; syscall t21[i] depth 2 KiB; exit t21[i] } }
        cpu 22 { for i in 0..311 { fork t22[i]; syscall t22[i] depth 2 KiB; exit t22[i] } }
        cpu 23 { for i in 0..311 { fork t23[i]; syscall t23[i] depth 2 KiB; exit t23[i] } }
        cpu 24 { for i in 0..311 { fork t24[i]; syscall t24[i] depth 2 KiB; exit t24[i] } }
        cpu 25 { for i in 0..311 { fork t25[i]; syscall t25[i] depth 2 KiB; exit t25[i] } }
        cpu 26 { for i in 0..311 { fork t26[i]; syscall t26[i] depth 2 KiB; exit t26[i] } }
        cpu 27 { for i in 0..311 { fork t27[i]; syscall t27[i] depth 2 KiB; exit t27[i] } }
        cpu 28 { for i in 0..311 { fork t28[i]; syscall t28[i] depth 2 KiB; exit t28[i] } }
        cpu 29 { for i in 0..311 { fork t29[i]; syscall t29[i] depth 2 KiB; exit t29[i] } }
        cpu 30 { for i in 0..311 { fork t30[i]; syscall t30[i] depth 2 KiB; exit t30[i] } }
        cpu 31 { for i in 0..311 { fork t31[i]; syscall t31[i] depth 2 KiB; exit t31[i] } }
        cpu 32 { for i in 0..311 { fork t32[i]; syscall t32[i] depth 2 KiB; exit t32[i] } }
        cpu 33 { for i in 0..311 { fork t33[i]; syscall t33[i] depth 2 KiB; exit t33[i] } }
        cpu 34 { for i in 0..311 { fork t34[i]; syscall t34[i] depth 2 KiB; exit t34[i] } }
        cpu 35 { for i in 0..311 { fork t35[i]; syscall t35[i] depth 2 KiB; exit t35[i] } }
        cpu 36 { for i in 0..311 { fork t36[i]; syscall t36[i] depth 2 KiB; exit t36[i] } }
        cpu 37 { for i in 0..311 { fork t37[i]; syscall t37[i] depth 2 KiB; exit t37[i] } }
        cpu 38 { for i in 0..311 { fork t38[i]; syscall t38[i] depth 2 KiB; exit t38[i] } }
        cpu 39 { for i in 0..311 { fork t39[i]; syscall t39[i] depth 2 KiB; exit t39[i] } }
        cpu 40 { for i in 0..311 { fork t40[i]; syscall t40[i] depth 2 KiB; exit t40[i] } }
        cpu 41 { for i in 0..311 { fork t41[i]; syscall t41[i] depth 2 KiB; exit t41[i] } }
        cpu 42 { for i in 0..311 { fork t42[i]; syscall t42[i] depth 2 KiB; exit t42[i] } }
        cpu 43 { for i in 0..311 { fork t43[i]; syscall t43[i] depth 2 KiB; exit t43[i] } }
        cpu 44 { for i in 0..311 { fork t44[i]; syscall t44[i] depth 2 KiB; exit t44[i] } }
        cpu 45 { for i in 0..311 { fork t45[i]; syscall t45[i] depth 2 KiB; exit t45[i] } }
        cpu 46 { for i in 0..311 { fork t46[i]; syscall t46[i] depth 2 KiB; exit t46[i] } }
        cpu 47 { for i in 0..311 { fork t47[i]; syscall t47[i] depth 2 KiB; exit t47[i] } }
        cpu 48 { for i in 0..311 { fork t48[i]; syscall t48[i] depth 2 KiB; exit t48[i] } }
        cpu 49 { for i in 0..311 { fork t49[i]; syscall t49[i] depth 2 KiB; exit t49[i] } }
        cpu 50 { for i in 0..311 { fork t50[i]; syscall t50[i] depth 2 KiB; exit t50[i] } }
        cpu 51 { for i in 0..311 { fork t51[i]; syscall t51[i] depth 2 KiB; exit t51[i] } }
        cpu 52 { for i in 0..311 { fork t52[i]; syscall t52[i] depth 2 KiB; exit t52[i] } }
        cpu 53 { for i in 0..311 { fork t53[i]; syscall t53[i] depth 2 KiB; exit t53[i] } }
        cpu 54 { for i in 0..311 { fork t54[i]; syscall t54[i] depth 2 KiB; exit t54[i] } }
        cpu 55 { for i in 0..311 { fork t55[i]; syscall t55[i] depth 2 KiB; exit t55[i] } }
        cpu 56 { for i in 0..311 { fork t56[i]; syscall t56[i] depth 2 KiB; exit t56[i] } }
        cpu 57 { for i in 0..311 { fork t57[i]; syscall t57[i] depth 2 KiB; exit t57[i] } }
        cpu 58 { for i in 0..311 { fork t58[i]; syscall t58[i] depth 2 KiB; exit t58[i] } }
        cpu 59 { for i in 0..311 { fork t59[i]; syscall t59[i] depth 2 KiB; exit t59[i] } }
        cpu 60 { for i in 0..311 { fork t60[i]; syscall t60[i] depth 2 KiB; exit t60[i] } }
        cpu 61 { for i in 0..311 { fork t61[i]; syscall t61[i] depth 2 KiB; exit t61[i] } }
        cpu 62 { for i in 0..311 { fork t62[i]; syscall t62[i] depth 2 KiB; exit t62[i] } }
        cpu 63 { for i in 0..311 { fork t63[i]; syscall t63[i] depth 2 KiB; exit t63[i] } }
      }
      """;

  Program program;

  @Setup(Level.Trial)
  public void setup() {
    program = Checker.check(Parser.parse(Source.of("parallel-churn.kss", SCRIPT)));
    long n = InterpreterChurn.run(program);
    if (n != EVENTS) throw new IllegalStateException("ran " + n + " events, expected " + EVENTS);
  }

  @Benchmark
  @OperationsPerInvocation((int) EVENTS)
  public long parallel64() { return InterpreterChurn.run(program); }
}
