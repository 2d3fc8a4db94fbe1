package dev.kss.trace;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kss.Scripts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shipped traces (examples/traces/*.perf.txt.xz) read by the reader, the survey and the
 * kernel's stack account, against the reference table of examples/traces/README.md (produced by
 * count.py, an independent counter).
 */
class RecordedTracesTest {
  /** One column of the README's table. */
  record Reference(long lines, long eventLines, long chainAndBlankLines, long forks, long exits, long switches,
      long migrations, long wakeupNews, long allocs, long frees, long purges, int cpus, long first, long last,
      long unresolvedHeaders, long distinctPids, int aliveAtStart, long stackVmallocs, long stackFrees,
      long stackAreasLiveAtEnd, double forkHitRate) {}

  static final Reference BUILD = new Reference(20591, 16831, 3419 + 341, 1932, 1933, 9839, 524, 1932, 341, 330, 0, 2,
      257_102_968_000L, 266_687_387_000L, 5, 1953, 21, 341, 329, 12, 0.823499);
  static final Reference JVM = new Reference(396789, 56693, 337439 + 2657, 4019, 4020, 36526, 2804, 4019, 2657, 2647, 1, 2,
      273_757_831_000L, 275_037_344_000L, 4026, 4036, 17, 2657, 2647, 10, 0.338890);

  static Path trace(String name) {
    Path root = Scripts.root();
    Path p = root == null ? Path.of("..", "examples", "traces", name) : root.resolve("examples/traces").resolve(name);
    assumeTrue(Files.isRegularFile(p), "no " + p);
    return p;
  }

  /** What one pass of the reader counts. */
  static final class Counts {
    final Map<Class<?>, Long> kinds = new HashMap<>();
    final KernelStacks kernel = new KernelStacks();
    final BitSet pids = new BitSet();
    long unresolved, lines, eventLines;

    long of(Class<? extends TraceEvent> k) { return kinds.getOrDefault(k, 0L); }
  }

  static Counts count(Path file) {
    Counts c = new Counts();
    try (PerfScript in = PerfScript.open(file, file.getFileName().toString())) {
      for (TraceEvent e = in.next(); e != null; e = in.next()) {
        c.kinds.merge(e.getClass(), 1L, Long::sum);
        c.kernel.accept(e);
        if (e.at().pid() < 0) c.unresolved++;
        pid(c, e.at().pid());
        switch (e) {
          case TraceEvent.Fork f -> { pid(c, f.parent()); pid(c, f.child()); }
          case TraceEvent.Exit x -> pid(c, x.pid());
          case TraceEvent.Switch s -> { pid(c, s.prev()); pid(c, s.next()); }
          case TraceEvent.Migrate m -> pid(c, m.pid());
          case TraceEvent.WakeupNew w -> pid(c, w.pid());
          default -> {}
        }
      }
      c.lines = in.lines();
      c.eventLines = in.eventLines();
    }
    return c;
  }

  private static void pid(Counts c, int pid) { if (pid > 0) c.pids.set(pid); }

  static TraceSurvey survey(Path file) {
    try (PerfScript in = PerfScript.open(file, file.getFileName().toString())) {
      return TraceSurvey.of(in);
    }
  }

  static void matchesTheReadme(String name, Reference r) {
    Path file = trace(name);
    Counts c = count(file);
    assertAll(name,
        () -> assertEquals(r.lines(), c.lines, "total lines"),
        () -> assertEquals(r.eventLines(), c.eventLines, "event lines"),
        () -> assertEquals(r.chainAndBlankLines(), c.lines - c.eventLines, "call-chain and blank lines"),
        () -> assertEquals(r.forks(), c.of(TraceEvent.Fork.class), "sched_process_fork"),
        () -> assertEquals(r.exits(), c.of(TraceEvent.Exit.class), "sched_process_exit"),
        () -> assertEquals(r.switches(), c.of(TraceEvent.Switch.class), "sched_switch"),
        () -> assertEquals(r.migrations(), c.of(TraceEvent.Migrate.class), "sched_migrate_task"),
        () -> assertEquals(r.wakeupNews(), c.of(TraceEvent.WakeupNew.class), "sched_wakeup_new"),
        () -> assertEquals(r.allocs(), c.of(TraceEvent.VmapAlloc.class), "alloc_vmap_area"),
        () -> assertEquals(r.frees(), c.of(TraceEvent.VmapFree.class), "free_vmap_area_noflush"),
        () -> assertEquals(r.purges(), c.of(TraceEvent.Purge.class), "purge_vmap_area_lazy"),
        () -> assertEquals(r.eventLines(), c.kinds.values().stream().mapToLong(Long::longValue).sum(), "every event line is one of the eight used"),
        () -> assertEquals(r.unresolvedHeaders(), c.unresolved, "event lines with header :-1 -1"),
        () -> assertEquals(r.distinctPids(), c.pids.cardinality(), "distinct pids (excl. 0 and -1)"),
        () -> assertEquals(r.stackVmallocs(), c.kernel.stackVmallocs(), "stack vmallocs"),
        () -> assertEquals(r.stackFrees(), c.kernel.stackFrees(), "stack frees"),
        () -> assertEquals(r.stackAreasLiveAtEnd(), c.kernel.stackVmallocs() - c.kernel.stackFrees(), "stack areas live at the end"),
        () -> assertEquals(r.purges(), c.kernel.purges(), "purges"),
        () -> assertTrue(c.kernel.recorded()),
        () -> assertEquals(r.forkHitRate(), c.kernel.forkHitRate(c.of(TraceEvent.Fork.class)), 5e-7, "fork_hit_rate"));

    TraceSurvey s = survey(file);
    assertAll(name + " survey",
        () -> assertEquals(r.cpus(), s.cpus, "distinct CPUs"),
        () -> assertEquals(r.first(), s.first, "first event time"),
        () -> assertEquals(r.last(), s.last, "last event time"),
        () -> assertEquals(r.aliveAtStart(), s.initial.size(), "pids alive at start"),
        () -> assertEquals(r.lines(), s.lines),
        () -> assertEquals(r.eventLines(), s.eventLines));
  }

  @Test void theBuildTraceMatchesTheReadmeTable() { matchesTheReadme("build.perf.txt.xz", BUILD); }

  @Test void theJvmTraceMatchesTheReadmeTable() { matchesTheReadme("jvm.perf.txt.xz", JVM); }

  @Test void theTasksAliveAtTheStartOfTheBuildTraceAreTheRecordersAndTheMachinesOwn() {
    TraceSurvey s = survey(trace("build.perf.txt.xz"));
    TraceSurvey.Initial first = s.initial.get(0);
    assertEquals(new TraceSurvey.Initial(15358, "perf", 0, true, false), first);   // perf, switched out in D on CPU 0 by the first line
    assertTrue(s.initial.stream().anyMatch(i -> i.pid() == 15359), "make, forked by perf before the recording started");
    assertTrue(s.initial.stream().anyMatch(i -> i.comm().startsWith("kworker/") && i.kernel()), "kworkers are kernel threads");
    assertTrue(s.initial.stream().noneMatch(i -> i.pid() <= 0), "neither idle nor unresolved tasks");
  }
}
