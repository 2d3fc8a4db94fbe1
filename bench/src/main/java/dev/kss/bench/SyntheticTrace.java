package dev.kss.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * A synthetic {@code perf script} trace in perf's default line shape, modelled on the shipped
 * traces (examples/traces/README.md): the same tracepoints ({@code perf record -e
 * sched:sched_process_fork ... -e 'vmalloc:alloc_vmap_area/call-graph=fp/' ...}) plus
 * {@code sched:sched_stat_runtime}, which a replay does not use. The workload is a fork/exec/exit
 * churn of many short-lived tasks on {@code cpus} CPUs: a {@code make} forking shells and
 * compilers (which fork further), a {@code java} process creating threads (thread names with
 * spaces, {@code prev_state=X} exits behind a {@code :-1 -1} header), kthreadd forking kernel
 * workers; per-CPU kworkers freeing the vmalloc'ed stacks the per-CPU stack caches (2 a CPU, as
 * kernel/fork.c) could not keep, with lazy purges; migration threads and load balancing.
 *
 * <p>Consistent as a real trace is: a task is forked before it runs, its pid is unique while it
 * lives (pids wrap at pid_max and skip live ones), every event line's header names the task running
 * on its CPU, {@code sched_process_exit} is followed by the task's last switch in state Z or X,
 * and a stack's free follows its allocation. Deterministic from the seed; written as it is made
 * (nothing of the trace is held), exactly {@code lines} lines.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar dev.kss.bench.SyntheticTrace OUT LINES [CPUS [SEED
 * [THREAD_CHAIN]]]}: OUT ending in {@code .xz} or {@code .gz} is compressed; THREAD_CHAIN is the
 * number of call-chain lines under a thread's stack vmalloc (11, or 127 as in the jvm trace).
 */
public final class SyntheticTrace {
  /** What was written. */
  public record Written(long lines, long eventLines, long chainLines, long blankLines, long[] byKind) {
    public long count(Kind k) { return byKind[k.ordinal()]; }

    @Override public String toString() {
      StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%,d lines: %,d event lines, %,d call-chain lines, %,d blank;",
          lines, eventLines, chainLines, blankLines));
      for (Kind k : Kind.values()) b.append(String.format(Locale.ROOT, " %s %,d (%.1f%%)", k.name, byKind[k.ordinal()],
          100.0 * byKind[k.ordinal()] / Math.max(1, eventLines)));
      return b.toString();
    }
  }

  /** The event kinds written, with their perf names. */
  public enum Kind {
    SWITCH("sched:sched_switch"), MIGRATE("sched:sched_migrate_task"), WAKEUP_NEW("sched:sched_wakeup_new"),
    FORK("sched:sched_process_fork"), EXIT("sched:sched_process_exit"), STAT_RUNTIME("sched:sched_stat_runtime"),
    VMAP_ALLOC("vmalloc:alloc_vmap_area"), VMAP_FREE("vmalloc:free_vmap_area_noflush"), PURGE("vmalloc:purge_vmap_area_lazy");

    final String name;

    Kind(String name) { this.name = name; }
  }

  public static final int DEFAULT_CPUS = 4;
  public static final long DEFAULT_SEED = 14;
  public static final int DEFAULT_THREAD_CHAIN = 11;

  /** Writes a trace of exactly {@code lines} lines to {@code out} ({@code .xz}, {@code .gz} or plain). */
  public static Written write(Path out, long lines, int cpus, long seed, int threadChain) {
    String n = out.getFileName().toString();
    try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16)) {
      OutputStream s = raw;
      if (n.endsWith(".xz")) s = new XZOutputStream(raw, new LZMA2Options(1));
      else if (n.endsWith(".gz")) s = new GZIPOutputStream(raw, 1 << 16);
      Written w;
      try (Writer wr = new OutputStreamWriter(s, StandardCharsets.ISO_8859_1)) {
        w = write(wr, lines, cpus, seed, threadChain);
      }
      return w;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Written write(Path out, long lines) { return write(out, lines, DEFAULT_CPUS, DEFAULT_SEED, DEFAULT_THREAD_CHAIN); }

  /** Writes a trace of exactly {@code lines} lines to {@code out} (not closed). */
  public static Written write(Writer out, long lines, int cpus, long seed, int threadChain) {
    if (cpus < 1 || cpus > 999) throw new IllegalArgumentException("cpus: 1..999");
    if (threadChain < 11) throw new IllegalArgumentException("thread chains have at least 11 lines");
    SyntheticTrace g = new SyntheticTrace(out, lines, cpus, seed, threadChain);
    g.run();
    g.flush();
    return new Written(g.lines, g.eventLines, g.chainLines, g.blankLines, g.byKind);
  }

  public static void main(String[] args) {
    if (args.length < 2) {
      System.err.println("usage: SyntheticTrace OUT LINES [CPUS [SEED [THREAD_CHAIN]]]");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    long lines = Long.parseLong(args[1].replace("_", "").replace(",", ""));
    int cpus = args.length > 2 ? Integer.parseInt(args[2]) : DEFAULT_CPUS;
    long seed = args.length > 3 ? Long.parseLong(args[3]) : DEFAULT_SEED;
    int chain = args.length > 4 ? Integer.parseInt(args[4]) : DEFAULT_THREAD_CHAIN;
    long t0 = System.nanoTime();
    Written w = write(out, lines, cpus, seed, chain);
    System.out.printf(Locale.ROOT, "%s: %s%n  %d CPUs, seed %d, %.1f s, %,d bytes%n", out, w, cpus, seed,
        (System.nanoTime() - t0) / 1e9, sizeOf(out));
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return -1;
    }
  }

  // ------------------------------------------------------------------ the model

  private enum Family { MAKE, JAVA, KTHREAD, OTHER }

  private static final class Task {
    final int pid;
    String comm;          // as the payload fields show it (at most 15 characters)
    String header;        // as the header shows it (kworkers carry a workqueue suffix, idle is "swapper")
    final int prio;
    final Family family;
    final boolean mortal, thread, kernel;
    boolean canFork, execed, dying;
    int slices;           // slices left before a mortal task exits
    int cpu = -1;
    long stack;           // its vmalloc'ed stack area
    int pinned = -1;      // a per-CPU kernel thread: its CPU
    int at = -1;          // where it sits in the sleeping list

    Task(int pid, String comm, int prio, Family family, boolean mortal, boolean thread, boolean kernel) {
      this.pid = pid;
      this.comm = comm;
      this.header = comm;
      this.prio = prio;
      this.family = family;
      this.mortal = mortal;
      this.thread = thread;
      this.kernel = kernel;
    }
  }

  private static final String[] MAKE_EXECS = {
      "sh", "sh", "bash", "gcc", "gcc", "cc1", "as", "collect2", "ld", "sed", "sed", "mv", "rm", "libtool", "grep", "cat",
      "mkdir", "chmod", "ar", "ranlib", "echo", "test", "expr", "tr"};
  private static final String[] JAVA_THREADS = {
      "worker-%d", "worker-%d", "worker-%d", "pool-1-thread-%d", "ForkJoinPool-1-", "GC Thread#%d", "C2 CompilerThre",
      "C1 CompilerThre", "G1 Conc#%d", "Thread-%d"};
  private static final String[] JVM_INITIAL = {
      "VM Thread", "Reference Handl", "Finalizer", "Signal Dispatch", "Service Thread", "Monitor Deflati", "C2 CompilerThre",
      "C1 CompilerThre", "Common-Cleaner", "G1 Service", "GC Thread#0", "G1 Main Marker", "G1 Conc#0", "G1 Refine#0",
      "VM Periodic Tas", "Notification Th"};
  private static final int PID_MAX = 4_194_304;
  private static final long VA_BASE = 0xffffc90000100000L;
  private static final int NR_LAZY_MAX = 16384;

  private final Writer out;
  private final long limit;
  private final int cpus;
  private final int threadChain;
  private final SplittableRandom rnd;
  private final char[] buf = new char[1 << 16];
  private int pos;
  private long lines, eventLines, chainLines, blankLines;
  private final long[] byKind = new long[Kind.values().length];

  private final Task[] current;
  private final List<ArrayDeque<Task>> runq = new ArrayList<>();
  private final Task[] kworker, migration;
  private final int[] migrationWork;
  private final ArrayList<Task> sleeping = new ArrayList<>();
  private final long[][] stackCache;
  private final int[] cached;
  private final List<ArrayDeque<Long>> pendingFree = new ArrayList<>();
  private final BitSet pids = new BitSet(PID_MAX);
  private final int maxMortal;
  private int nextPid = 20000, mortal, javaThreads;
  private long nextVa = VA_BASE, lazyStart = Long.MAX_VALUE, lazyEnd;
  private int nrLazy, lazyAreas;
  private long nowNs = 1_000_000_000_000L + 102_968_000L;   // 1000.102968 s since boot

  private SyntheticTrace(Writer out, long lines, int cpus, long seed, int threadChain) {
    this.out = out;
    this.limit = lines;
    this.cpus = cpus;
    this.threadChain = threadChain;
    this.rnd = new SplittableRandom(seed);
    this.current = new Task[cpus];
    this.kworker = new Task[cpus];
    this.migration = new Task[cpus];
    this.migrationWork = new int[cpus];
    this.stackCache = new long[cpus][2];
    this.cached = new int[cpus];
    this.maxMortal = 6 * cpus + 8;
    for (int c = 0; c < cpus; c++) {
      runq.add(new ArrayDeque<>());
      pendingFree.add(new ArrayDeque<>());
    }
    setUp();
  }

  /** The tasks alive when the recording starts: kernel threads, make, a shell, a JVM with its threads, a stray process. */
  private void setUp() {
    sleeper(initial(2, "kthreadd", 120, Family.KTHREAD, true, true), 0);
    sleeper(initial(15, "rcu_preempt", 120, Family.OTHER, false, true), 0);
    for (int c = 0; c < cpus; c++) {
      Task m = initial(18 + 6 * c, "migration/" + c, 0, Family.OTHER, false, true);
      m.pinned = c;
      m.cpu = c;
      migration[c] = m;
      Task k = initial(21 + 6 * c, "kworker/" + c + ":1", 120, Family.OTHER, false, true);
      k.header = cut(k.comm + "-events");
      k.pinned = c;
      k.cpu = c;
      kworker[c] = k;
    }
    sleeper(initial(2023, "memfd:sealed-91", 120, Family.OTHER, false, false), rnd.nextInt(cpus));
    sleeper(initial(14873, "bash", 120, Family.MAKE, true, false), rnd.nextInt(cpus));
    Task make = initial(15359, "make", 120, Family.MAKE, true, false);
    make.cpu = 0;
    current[0] = make;
    Task java = initial(17339, "java", 120, Family.JAVA, true, false);
    sleeper(java, cpus > 1 ? 1 : 0);
    for (int i = 0; i < JVM_INITIAL.length; i++)
      sleeper(initial(17340 + i, JVM_INITIAL[i], 120, Family.JAVA, false, false), rnd.nextInt(cpus));
  }

  private Task initial(int pid, String comm, int prio, Family f, boolean canFork, boolean kernel) {
    Task t = new Task(pid, comm, prio, f, false, false, kernel);
    t.canFork = canFork;
    t.execed = true;
    pids.set(pid);
    return t;
  }

  private void sleeper(Task t, int cpu) {
    t.cpu = cpu;
    t.at = sleeping.size();
    sleeping.add(t);
  }

  private Task wake() {
    int i = rnd.nextInt(sleeping.size());
    Task t = sleeping.get(i), last = sleeping.removeLast();
    if (last != t) {
      sleeping.set(i, last);
      last.at = i;
    }
    t.at = -1;
    return t;
  }

  private void run() {
    while (lines < limit) step(rnd.nextInt(cpus));
  }

  private long left() { return limit - lines; }

  /** One step on CPU {@code c}: at most {@link #left()} lines. */
  private void step(int c) {
    tick();
    Task t = current[c];
    if (t == null) idle(c);
    else if (t.dying) lastSwitch(c, t);
    else if (t.pinned >= 0) pinned(c, t);
    else busy(c, t);
  }

  /** An idle CPU: runs what is queued, a kworker with stacks to free, wakes a sleeper, or pulls a runnable task. */
  private void idle(int c) {
    ArrayDeque<Task> q = runq.get(c);
    if (!q.isEmpty()) { switchIdle(c, q.poll()); return; }
    if (!pendingFree.get(c).isEmpty() && rnd.nextInt(3) == 0) { switchIdle(c, kworker[c]); return; }
    boolean room = left() >= 2;
    if (!sleeping.isEmpty() && rnd.nextInt(4) != 0) {
      Task s = pickSleeper(c);
      if (s.cpu != c && !room) { switchIdle(c, kworker[c]); return; }
      s = wakeThis(s);
      if (s.cpu != c) migrate(c, null, s, c);
      switchIdle(c, s);
      return;
    }
    if (room) {
      int from = rnd.nextInt(cpus);
      ArrayDeque<Task> other = runq.get(from);
      if (from != c && other.size() > 1) {
        Task s = other.pollLast();
        migrate(c, null, s, c);
        switchIdle(c, s);
        return;
      }
    }
    if (rnd.nextInt(8) == 0) switchIdle(c, kworker[c]);   // a spurious kworker run (vmstat, ...), nothing to free
  }

  /** A sleeper to wake on {@code c}: of three drawn, one that last ran there and has work to do (forks, exits) first. */
  private Task pickSleeper(int c) {
    Task best = null;
    int bestScore = -1;
    for (int i = 0; i < 3; i++) {
      Task s = sleeping.get(rnd.nextInt(sleeping.size()));
      int score = (s.cpu == c ? 2 : 0) + (s.mortal || s.canFork ? 1 : 0);
      if (score > bestScore) {
        best = s;
        bestScore = score;
      }
    }
    return best;
  }

  private Task wakeThis(Task s) {
    int i = s.at;
    Task last = sleeping.removeLast();
    if (last != s) {
      sleeping.set(i, last);
      last.at = i;
    }
    s.at = -1;
    return s;
  }

  /** A task running on {@code c}: its slice goes on (fork, stat, wake another), or ends (sleep, preemption, exit). */
  private void busy(int c, Task t) {
    if (!t.execed) exec(t);
    if (t.mortal && t.slices <= 0) {
      exit(c, t);
      return;
    }
    if (t.canFork && mortal < maxMortal && left() >= 2 && rnd.nextInt(100) < 70) {
      fork(c, t);
      return;
    }
    int r = rnd.nextInt(100);
    if (r < 8) {
      statRuntime(c, t);
      return;
    }
    if (r < 16 && !sleeping.isEmpty() && left() >= 2) {
      // t wakes a sleeper onto a CPU's queue (sched_wakeup is not recorded; the move, when there is one, is)
      Task s = pickSleeper(c);
      int to = rnd.nextInt(3) == 0 ? rnd.nextInt(cpus) : s.cpu;
      wakeThis(s);
      if (s.cpu != to) migrate(c, t, s, to);
      runq.get(to).add(s);
      return;
    }
    ArrayDeque<Task> q = runq.get(c);
    if (r < 19 && q.size() > 1 && cpus > 1) {
      // the load balancer: t is preempted by migration/c, which pushes a queued task away
      switchTo(c, t, "R", migration[c]);
      q.add(t);
      migrationWork[c]++;
      return;
    }
    if (t.mortal) t.slices--;
    if (r < 40 && !q.isEmpty()) {
      switchTo(c, t, r < 36 ? "R" : "R+", q.poll());   // preempted
      q.add(t);
      return;
    }
    // sleeps: in S mostly, D for I/O, I for kernel threads
    String state = t.kernel ? "I" : r < 88 ? "S" : "D";
    Task next = q.poll();
    switchTo(c, t, state, next);
    sleeper(t, c);
  }

  /** A per-CPU kernel thread: kworker/c frees the stacks queued on its CPU, migration/c pushes a task away. */
  private void pinned(int c, Task t) {
    if (t == kworker[c]) {
      ArrayDeque<Long> q = pendingFree.get(c);
      if (!q.isEmpty()) {
        free(c, t, q.poll());
        return;
      }
      switchTo(c, t, "I", runq.get(c).poll());
      return;
    }
    ArrayDeque<Task> q = runq.get(c);
    if (migrationWork[c] > 0 && !q.isEmpty() && left() >= 2) {
      migrationWork[c] = 0;
      Task v = q.pollLast();
      int to = (c + 1 + rnd.nextInt(cpus - 1)) % cpus;
      migrate(c, t, v, to);
      runq.get(to).add(v);
      return;
    }
    migrationWork[c] = 0;
    switchTo(c, t, "S", q.poll());
  }

  /** exec(): the child of a fork becomes another program (a JVM thread is named), after it first runs. */
  private void exec(Task t) {
    t.execed = true;
    if (t.thread) {
      String n = JAVA_THREADS[rnd.nextInt(JAVA_THREADS.length)];
      t.comm = t.header = cut(n.contains("%d") ? String.format(Locale.ROOT, n, javaThreads % 64) : n);
      return;
    }
    if (t.kernel) return;
    if (rnd.nextInt(7) == 0) return;   // a subshell: no exec
    t.comm = t.header = MAKE_EXECS[rnd.nextInt(MAKE_EXECS.length)];
    t.canFork = switch (t.comm) {
      case "sh", "bash", "gcc", "collect2", "libtool" -> true;
      default -> false;
    };
  }

  private void fork(int c, Task p) {
    boolean thread = p.family == Family.JAVA, kernel = p.family == Family.KTHREAD;
    int chain = thread ? threadChain : 10;
    long va;
    if (cached[c] > 0) va = stackCache[c][--cached[c]];
    else {
      if (left() < chain + 4) return;
      va = nextVa;
      nextVa += 0x8000;
      alloc(c, p, va, thread, chain);
    }
    int pid = newPid();
    String comm = kernel ? "kthreadd" : p.comm;
    Task k = new Task(pid, comm, 120, p.family, true, thread, kernel);
    k.stack = va;
    k.slices = 1 + (rnd.nextInt(4) == 0 ? rnd.nextInt(12) : rnd.nextInt(3));
    if (kernel) {
      k.comm = k.header = "kworker/u" + (2 * cpus) + ":" + rnd.nextInt(8);
      k.header = cut(k.comm + "-events_unbound");
    } else if (thread) javaThreads++;
    mortal++;
    line(c, p, Kind.FORK).append("comm=").append(p.comm).append(" pid=").append(p.pid).append(" child_comm=").append(k.comm)
        .append(" child_pid=").append(pid).append(" ffffffff813a5531 __traceiter_sched_process_fork+0x31 ([kernel.kallsyms])");
    end();
    int to = rnd.nextInt(2) == 0 ? c : rnd.nextInt(cpus);
    k.cpu = to;
    line(c, p, Kind.WAKEUP_NEW).append("comm=").append(k.comm).append(" pid=").append(pid).append(" prio=120 target_cpu=");
    pad0(to, 3);
    sb.append(" ffffffff813b4380 wake_up_new_task+0x240 ([kernel.kallsyms])");
    end();
    runq.get(to).add(k);
  }

  private int newPid() {
    while (true) {
      int p = nextPid++;
      if (nextPid >= PID_MAX) nextPid = 300;
      if (!pids.get(p)) {
        pids.set(p);
        return p;
      }
    }
  }

  private void exit(int c, Task t) {
    line(c, t, Kind.EXIT).append("comm=").append(t.comm).append(" pid=").append(t.pid).append(" prio=").append(t.prio)
        .append(" group_dead=").append(t.thread ? "false" : "true")
        .append(" ffffffff813a5410 __traceiter_sched_process_exit+0x30 ([kernel.kallsyms])");
    end();
    t.dying = true;
  }

  /** A dead task's last switch (Z for a process, X for a thread, whose header perf cannot resolve); its stack goes back. */
  private void lastSwitch(int c, Task t) {
    Task next = runq.get(c).poll();
    switchFrom(c, t.thread ? ":-1" : t.header, t.thread ? -1 : t.pid, t, t.thread ? "X" : "Z", next);
    current[c] = next;
    if (next != null) next.cpu = c;
    pids.clear(t.pid);
    mortal--;
    if (cached[c] < 2) stackCache[c][cached[c]++] = t.stack;
    else pendingFree.get(c).add(t.stack);
  }

  // ------------------------------------------------------------------ event lines

  private final StringBuilder sb = new StringBuilder(256);

  private void tick() {
    nowNs += 1000L * (1 + rnd.nextInt(rnd.nextInt(16) == 0 ? 400 : 25));
  }

  private void switchIdle(int c, Task next) {
    sb.setLength(0);
    header("swapper", 0, c, Kind.SWITCH, true);
    sb.append("prev_comm=swapper/").append(c).append(" prev_pid=0 prev_prio=120 prev_state=R ==> ");
    nextPart(next, c);
    end();
    current[c] = next;
    next.cpu = c;
  }

  /** {@code t}, running on {@code c}, leaves it in {@code state} for {@code next} (null: idle). */
  private void switchTo(int c, Task t, String state, Task next) {
    switchFrom(c, t.header, t.pid, t, state, next);
    current[c] = next;
    if (next != null) next.cpu = c;
  }

  private void switchFrom(int c, String hComm, int hPid, Task t, String state, Task next) {
    sb.setLength(0);
    header(hComm, hPid, c, Kind.SWITCH, true);
    sb.append("prev_comm=").append(t.comm).append(" prev_pid=").append(t.pid).append(" prev_prio=").append(t.prio)
        .append(" prev_state=").append(state).append(" ==> ");
    nextPart(next, c);
    end();
  }

  private void nextPart(Task next, int c) {
    if (next == null) sb.append("next_comm=swapper/").append(c).append(" next_pid=0 next_prio=120");
    else sb.append("next_comm=").append(next.comm).append(" next_pid=").append(next.pid).append(" next_prio=").append(next.prio);
    sb.append(" ffffffff82267448 __schedule+0x628 ([kernel.kallsyms])");
  }

  /** sched_migrate_task recorded on {@code c} (by {@code by}, null: idle) moving {@code t} to {@code to}. */
  private void migrate(int c, Task by, Task t, int to) {
    sb.setLength(0);
    if (by == null) header("swapper", 0, c, Kind.MIGRATE, true);
    else header(by.header, by.pid, c, Kind.MIGRATE, true);
    sb.append("comm=").append(t.comm).append(" pid=").append(t.pid).append(" prio=").append(t.prio).append(" orig_cpu=")
        .append(t.cpu).append(" dest_cpu=").append(to).append(" ffffffff813b0393 set_task_cpu+0x183 ([kernel.kallsyms])");
    end();
    t.cpu = to;
  }

  private void statRuntime(int c, Task t) {
    line(c, t, Kind.STAT_RUNTIME).append("comm=").append(t.comm).append(" pid=").append(t.pid).append(" runtime=")
        .append(1000 + rnd.nextInt(3_000_000)).append(" [ns] ffffffff813c6f27 update_curr_se+0x67 ([kernel.kallsyms])");
    end();
  }

  private static final String[] KERNEL_CHAIN = {
      "\tffffffff8162398c alloc_vmap_area+0x68c ([kernel.kallsyms])",
      "\tffffffff8162685d __get_vm_area_node+0xcd ([kernel.kallsyms])",
      "\tffffffff81627235 __vmalloc_node_range_noprof+0x145 ([kernel.kallsyms])",
      "\tffffffff816270b1 __vmalloc_node_noprof+0x41 ([kernel.kallsyms])",
      "\tffffffff8135e6e6 copy_process+0xef6 ([kernel.kallsyms])",
      "\tffffffff8135f728 kernel_clone+0xb8 ([kernel.kallsyms])"};
  private static final String[] FORK_TAIL = {
      "\tffffffff8135fb0d __do_sys_clone+0x8d ([kernel.kallsyms])",
      "\tffffffff8225bc41 do_syscall_64+0x71 ([kernel.kallsyms])",
      "\tffffffff81000130 entry_SYSCALL_64_after_hwframe+0x76 ([kernel.kallsyms])",
      "\t           d4353 _Fork+0x23 (/usr/lib/x86_64-linux-gnu/libc.so.6)"};
  private static final String[] CLONE3_TAIL = {
      "\tffffffff8135fc89 __do_sys_clone3+0x139 ([kernel.kallsyms])",
      "\tffffffff8225bc41 do_syscall_64+0x71 ([kernel.kallsyms])",
      "\tffffffff81000130 entry_SYSCALL_64_after_hwframe+0x76 ([kernel.kallsyms])",
      "\t          1098d9 clone3+0x19 (/usr/lib/x86_64-linux-gnu/libc.so.6)"};
  private static final String[] KTHREAD_TAIL = {
      "\tffffffff8135fe4a kernel_thread+0x6a ([kernel.kallsyms])",
      "\tffffffff81392a1d kthreadd+0x1fd ([kernel.kallsyms])",
      "\tffffffff81301c54 ret_from_fork+0x34 ([kernel.kallsyms])",
      "\tffffffff8100244a ret_from_fork_asm+0x1a ([kernel.kallsyms])"};

  /** alloc_vmap_area of a thread stack by {@code p} (no padding, no trailing ip: perf's call-graph shape), its chain, a blank line. */
  private void alloc(int c, Task p, long va, boolean thread, int chain) {
    sb.setLength(0);
    header(p.header, p.pid, c, Kind.VMAP_ALLOC, false);
    sb.append("va_start: ").append(Long.toUnsignedString(va))
        .append(" size=20480 align=16384 vstart=0xffffc90000000000 vend=0xffffe8ffffffffff failed=0");
    end();
    for (String l : KERNEL_CHAIN) chainLine(l);
    String[] tail = p.family == Family.KTHREAD ? KTHREAD_TAIL : thread ? CLONE3_TAIL : FORK_TAIL;
    for (String l : tail) chainLine(l);
    if (thread) {
      String loop = "\t    " + Long.toHexString(0x7f0000000000L + (rnd.nextLong() & 0xffffffff0L)) + " [unknown] ([unknown])";
      for (int i = KERNEL_CHAIN.length + tail.length; i < chain; i++) chainLine(loop);
    }
    blank();
  }

  private void free(int c, Task k, long va) {
    line(c, k, Kind.VMAP_FREE).append("va_start=0x").append(Long.toHexString(va)).append(" nr_lazy=").append(nrLazy)
        .append(" nr_lazy_max=").append(NR_LAZY_MAX).append(" ffffffff816207a2 free_vmap_area_noflush+0x132 ([kernel.kallsyms])");
    end();
    nrLazy += 5;
    lazyAreas++;
    lazyStart = Math.min(lazyStart, va);
    lazyEnd = Math.max(lazyEnd, va + 20480);
    if (nrLazy > NR_LAZY_MAX && left() >= 1) {
      line(c, k, Kind.PURGE).append("start=0x").append(Long.toHexString(lazyStart)).append(" end=0x")
          .append(Long.toHexString(lazyEnd)).append(" num_purged=").append(lazyAreas)
          .append(" ffffffff8162291a __purge_vmap_area_lazy+0x1fa ([kernel.kallsyms])");
      end();
      nrLazy = 0;
      lazyAreas = 0;
      lazyStart = Long.MAX_VALUE;
      lazyEnd = 0;
    }
  }

  private StringBuilder line(int c, Task t, Kind k) {
    sb.setLength(0);
    header(t.header, t.pid, c, k, true);
    return sb;
  }

  /** {@code COMM PID [CPU] SECONDS: EVENT: }, padded as perf pads it (or not: the call-graph event's shape). */
  private void header(String comm, int pid, int cpu, Kind k, boolean padded) {
    if (padded) for (int i = comm.length(); i < 16; i++) sb.append(' ');
    sb.append(comm).append(' ');
    if (padded) {
      int w = pid < 0 ? 2 : digits(pid);
      for (int i = w; i < 5; i++) sb.append(' ');
    }
    sb.append(pid).append(" [");
    pad0(cpu, 3);
    sb.append("] ");
    long s = nowNs / 1_000_000_000L, us = nowNs / 1000 % 1_000_000;
    for (int i = digits(s) + 7; i < 12; i++) sb.append(' ');
    sb.append(s).append('.');
    pad0((int) us, 6);
    sb.append(": ");
    for (int i = k.name.length(); i < 30; i++) sb.append(' ');
    sb.append(k.name).append(": ");
    byKind[k.ordinal()]++;
    eventLines++;
    nowNs += 1000L * rnd.nextInt(3);
  }

  private static int digits(long v) {
    int n = 1;
    while (v >= 10) { v /= 10; n++; }
    return n;
  }

  private void pad0(int v, int w) {
    for (int i = digits(v); i < w; i++) sb.append('0');
    sb.append(v);
  }

  private static String cut(String s) { return s.length() > 15 ? s.substring(0, 15) : s; }

  private void end() {
    sb.append('\n');
    emit(sb);
  }

  private void chainLine(String l) {
    chainLines++;
    sb.setLength(0);
    sb.append(l).append('\n');
    emit(sb);
  }

  private void blank() {
    blankLines++;
    sb.setLength(0);
    sb.append('\n');
    emit(sb);
  }

  private void emit(CharSequence s) {
    if (lines >= limit) throw new IllegalStateException("the trace would run past " + limit + " lines");
    lines++;
    int n = s.length();
    if (pos + n > buf.length) flush();
    sb.getChars(0, n, buf, pos);
    pos += n;
  }

  private void flush() {
    try {
      out.write(buf, 0, pos);
      pos = 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
