package dev.kss.trace;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * The perf script reader on lines copied from the shipped traces (examples/traces, default shape
 * with IP and symbol) and from the conformance trace tiny.perf.txt ({@code -F ...,trace} shape).
 */
class PerfScriptTest {
  // ---- real lines (examples/traces/build.perf.txt.xz, jvm.perf.txt.xz)

  static final String SWITCH_DEFAULT =
      "            perf 15358 [000]   257.102968:             sched:sched_switch: prev_comm=perf prev_pid=15358 prev_prio=120 prev_state=D ==> next_comm=migration/0 next_pid=18 next_prio=0 ffffffff82267448 __schedule+0x628 ([kernel.kallsyms])";
  static final String MIGRATE_DEFAULT =
      "     migration/0    18 [000]   257.102976:       sched:sched_migrate_task: comm=perf pid=15358 prio=120 orig_cpu=0 dest_cpu=1 ffffffff813b0393 set_task_cpu+0x183 ([kernel.kallsyms])";
  static final String ALLOC_HEAD =
      "make 15359 [001]   257.114651:        vmalloc:alloc_vmap_area: va_start: 18446683600651993088 size=20480 align=16384 vstart=0xffffc90000000000 vend=0xffffe8ffffffffff failed=0";
  static final String ALLOC_CHAIN = """
      \tffffffff8162398c alloc_vmap_area+0x68c ([kernel.kallsyms])
      \tffffffff8162685d __get_vm_area_node+0xcd ([kernel.kallsyms])
      \tffffffff81627235 __vmalloc_node_range_noprof+0x145 ([kernel.kallsyms])
      \tffffffff816270b1 __vmalloc_node_noprof+0x41 ([kernel.kallsyms])
      \tffffffff8135e6e6 copy_process+0xef6 ([kernel.kallsyms])
      \tffffffff8135f728 kernel_clone+0xb8 ([kernel.kallsyms])
      \tffffffff8135fc89 __do_sys_clone3+0x139 ([kernel.kallsyms])
      \tffffffff8225bc41 do_syscall_64+0x71 ([kernel.kallsyms])
      \tffffffff81000130 entry_SYSCALL_64_after_hwframe+0x76 ([kernel.kallsyms])
      \t          1098d9 clone3+0x19 (/usr/lib/x86_64-linux-gnu/libc.so.6)
      \t    559099f98ac0 [unknown] ([unknown])

      """;
  static final String FORK_DEFAULT =
      "            make 15359 [001]   257.114756:       sched:sched_process_fork: comm=make pid=15359 child_comm=make child_pid=15361 ffffffff813a5531 __traceiter_sched_process_fork+0x31 ([kernel.kallsyms])";
  static final String WAKEUP_NEW_DEFAULT =
      "            make 15359 [001]   257.114763:         sched:sched_wakeup_new: comm=make pid=15361 prio=120 target_cpu=000 ffffffff813b4380 wake_up_new_task+0x240 ([kernel.kallsyms])";
  static final String FREE_DEFAULT =
      " kworker/0:1-eve    11 [000]   257.131544: vmalloc:free_vmap_area_noflush: va_start=0xffffc90004e24000 nr_lazy=6655 nr_lazy_max=16384 ffffffff816207a2 free_vmap_area_noflush+0x132 ([kernel.kallsyms])";
  static final String PURGE_DEFAULT =
      " kworker/0:1-eve    11 [000]   274.811429:   vmalloc:purge_vmap_area_lazy: start=0xffffc90000d7c000 end=0xffffc90007e91000 num_purged=3307 ffffffff8162291a __purge_vmap_area_lazy+0x1fa ([kernel.kallsyms])";
  static final String SWITCH_C1 =
      " C1 CompilerThre 17354 [001]   273.797511:             sched:sched_switch: prev_comm=C1 CompilerThre prev_pid=17354 prev_prio=120 prev_state=S ==> next_comm=java next_pid=17341 next_prio=120 ffffffff82267448 __schedule+0x628 ([kernel.kallsyms])";
  static final String SWITCH_VM_THREAD =
      "            java 17341 [000]   273.821555:             sched:sched_switch: prev_comm=java prev_pid=17341 prev_prio=120 prev_state=S ==> next_comm=VM Thread next_pid=17347 next_prio=120 ffffffff82267448 __schedule+0x628 ([kernel.kallsyms])";
  static final String EXIT_SERVICE_THREAD =
      "  Service Thread 17351 [000]   275.022986:       sched:sched_process_exit: comm=Service Thread pid=17351 prio=120 group_dead=false ffffffff813a5410 __traceiter_sched_process_exit+0x30 ([kernel.kallsyms])";
  static final String SWITCH_UNRESOLVED =
      "             :-1    -1 [001]   274.279302:             sched:sched_switch: prev_comm=worker-0 prev_pid=17360 prev_prio=120 prev_state=X ==> next_comm=worker-1 next_pid=17361 next_prio=120 ffffffff82267448 __schedule+0x628 ([kernel.kallsyms])";
  static final String MIGRATE_UNRESOLVED =
      "             :-1    -1 [001]   275.010936:       sched:sched_migrate_task: comm=G1 Service pid=17346 prio=120 orig_cpu=0 dest_cpu=1 ffffffff813b0393 set_task_cpu+0x183 ([kernel.kallsyms])";

  // ---- the -F comm,pid,cpu,time,event,trace shape (/work/shared/conformance/v2/traces/tiny.perf.txt)

  static final String TINY_ALLOC = """
                    sh   100 [000]     0.999990:        vmalloc:alloc_vmap_area: va_start: 18446683600571072512 size=20480 align=16384 vstart=0xffffc90000000000 vend=0xffffe8ffffffffff failed=0
      \tffffffff81609e84 alloc_vmap_area+0x684 (vmlinux)
      \tffffffff8160d72c __vmalloc_node_range_noprof+0x13c (vmlinux)
      \tffffffff813576b1 copy_process+0xe41 (vmlinux)
      \tffffffff81358624 kernel_clone+0x94 (vmlinux)
      """;
  static final String TINY_FORK = "              sh   100 [000]     1.000000:       sched:sched_process_fork: comm=sh pid=100 child_comm=sh child_pid=101";
  static final String TINY_WAKEUP_NEW = "              sh   100 [000]     1.000002:         sched:sched_wakeup_new: comm=sh pid=101 prio=120 target_cpu=001";
  static final String TINY_SWITCH = "       swapper/1     0 [001]     1.000010:             sched:sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=sh next_pid=101 next_prio=120";
  static final String TINY_STAT_RUNTIME = "              sh   101 [001]     1.000100:       sched:sched_stat_runtime: comm=sh pid=101 runtime=90000 [ns]";
  static final String TINY_EXIT = "              sh   101 [001]     1.000400:       sched:sched_process_exit: comm=sh pid=101 prio=120 group_dead=true";
  static final String TINY_MIGRATE = "       swapper/0     0 [000]     1.001210:       sched:sched_migrate_task: comm=sh pid=102 prio=120 orig_cpu=0 dest_cpu=1";
  static final String TINY_FREE = "     kworker/1:0    50 [001]     1.006000: vmalloc:free_vmap_area_noflush: va_start=0xffffc90000110000 nr_lazy=5 nr_lazy_max=16384";

  static PerfScript read(String text) {
    return PerfScript.of("t.perf.txt", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  static List<TraceEvent> events(PerfScript in) {
    List<TraceEvent> out = new ArrayList<>();
    for (TraceEvent e = in.next(); e != null; e = in.next()) out.add(e);
    return out;
  }

  static List<TraceEvent> events(String text) { return events(read(text)); }

  static TraceEvent only(String line) {
    List<TraceEvent> all = events(line + "\n");
    assertEquals(1, all.size(), all.toString());
    return all.get(0);
  }

  static TraceError error(String text) {
    return assertThrows(TraceError.class, () -> events(text));
  }

  private static long seconds(long s, long micros) { return s * 1_000_000_000L + micros * 1_000L; }

  // ---- line shapes

  @Test void theDefaultShapeWithTrailingIpAndSymbolIsRead() {
    TraceEvent.Switch s = assertInstanceOf(TraceEvent.Switch.class, only(SWITCH_DEFAULT));
    assertEquals(new TraceEvent.Header(1, "perf", 15358, 0, seconds(257, 102968)), s.at());
    assertEquals(15358, s.prev());
    assertEquals("perf", s.prevComm());
    assertEquals('D', s.prevState());
    assertEquals(18, s.next());
    assertEquals("migration/0", s.nextComm());   // the symbol after the fields is not part of the name

    TraceEvent.Migrate m = assertInstanceOf(TraceEvent.Migrate.class, only(MIGRATE_DEFAULT));
    assertEquals(new TraceEvent.Migrate(new TraceEvent.Header(1, "migration/0", 18, 0, seconds(257, 102976)), 15358, "perf", 0, 1), m);

    TraceEvent.Fork f = assertInstanceOf(TraceEvent.Fork.class, only(FORK_DEFAULT));
    assertEquals(15359, f.parent());
    assertEquals(15361, f.child());
    assertEquals("make", f.childComm());

    TraceEvent.WakeupNew w = assertInstanceOf(TraceEvent.WakeupNew.class, only(WAKEUP_NEW_DEFAULT));
    assertEquals(15361, w.pid());
    assertEquals(0, w.target());                   // target_cpu=000, zero-padded

    TraceEvent.Exit x = assertInstanceOf(TraceEvent.Exit.class, only(EXIT_SERVICE_THREAD));
    assertEquals(17351, x.pid());

    assertInstanceOf(TraceEvent.Purge.class, only(PURGE_DEFAULT));
    // header comms with colons and a workqueue suffix
    assertEquals(new TraceEvent.Header(1, "kworker/0:1-eve", 11, 0, seconds(274, 811429)), only(PURGE_DEFAULT).at());
  }

  @Test void theTraceShapeWithoutIpOrSymbolIsRead() {
    TraceEvent.Fork f = assertInstanceOf(TraceEvent.Fork.class, only(TINY_FORK));
    assertEquals(new TraceEvent.Fork(new TraceEvent.Header(1, "sh", 100, 0, seconds(1, 0)), 100, 101, "sh"), f);
    TraceEvent.WakeupNew w = assertInstanceOf(TraceEvent.WakeupNew.class, only(TINY_WAKEUP_NEW));
    assertEquals(1, w.target());
    TraceEvent.Switch s = assertInstanceOf(TraceEvent.Switch.class, only(TINY_SWITCH));
    assertEquals(new TraceEvent.Switch(new TraceEvent.Header(1, "swapper/1", 0, 1, seconds(1, 10)), 0, "swapper/1", 'R', 101, "sh"), s);
    TraceEvent.Exit x = assertInstanceOf(TraceEvent.Exit.class, only(TINY_EXIT));
    assertEquals(101, x.pid());
    assertEquals("sh", x.comm());
    TraceEvent.Migrate m = assertInstanceOf(TraceEvent.Migrate.class, only(TINY_MIGRATE));
    assertEquals(1, m.to());
  }

  @Test void timesWithMoreThanMicrosecondsAreNanoseconds() {
    TraceEvent e = only(TINY_FORK.replace("1.000000:", "1.000000123:"));
    assertEquals(1_000_000_123L, e.time());
  }

  @Test void commandNamesWithSpacesInTheHeaderAndInFields() {
    TraceEvent.Switch c1 = assertInstanceOf(TraceEvent.Switch.class, only(SWITCH_C1));
    assertEquals("C1 CompilerThre", c1.at().comm());
    assertEquals(17354, c1.at().pid());
    assertEquals("C1 CompilerThre", c1.prevComm());
    assertEquals(17354, c1.prev());
    assertEquals('S', c1.prevState());
    assertEquals(17341, c1.next());

    TraceEvent.Switch vm = assertInstanceOf(TraceEvent.Switch.class, only(SWITCH_VM_THREAD));
    assertEquals("VM Thread", vm.nextComm());
    assertEquals(17347, vm.next());

    TraceEvent.Switch vmOut = assertInstanceOf(TraceEvent.Switch.class,
        only("       VM Thread 17347 [000]   273.790411:             sched:sched_switch: prev_comm=VM Thread prev_pid=17347 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120 ffffffff82267448 __schedule+0x628 ([kernel.kallsyms])"));
    assertEquals("VM Thread", vmOut.at().comm());
    assertEquals("VM Thread", vmOut.prevComm());
    assertEquals(17347, vmOut.prev());

    TraceEvent.Exit x = assertInstanceOf(TraceEvent.Exit.class, only(EXIT_SERVICE_THREAD));
    assertEquals("Service Thread", x.at().comm());
    assertEquals("Service Thread", x.comm());
  }

  @Test void anUnresolvedTaskHasPidMinusOneInTheHeader() {
    TraceEvent.Switch s = assertInstanceOf(TraceEvent.Switch.class, only(SWITCH_UNRESOLVED));
    assertEquals(new TraceEvent.Header(1, ":-1", -1, 1, seconds(274, 279302)), s.at());
    assertEquals(17360, s.prev());             // the real pid is in the payload
    assertEquals('X', s.prevState());
    assertEquals("worker-1", s.nextComm());

    TraceEvent.Migrate m = assertInstanceOf(TraceEvent.Migrate.class, only(MIGRATE_UNRESOLVED));
    assertEquals(-1, m.at().pid());
    assertEquals("G1 Service", m.comm());
    assertEquals(17346, m.pid());
  }

  @Test void vaStartIsDecimalAndUnsignedInAllocsAndHexInFrees() {
    TraceEvent.VmapAlloc a = assertInstanceOf(TraceEvent.VmapAlloc.class, only(ALLOC_HEAD));
    // 18446683600651993088 is above 2^63: read unsigned, it is 0xffffc90004e2c000
    assertEquals(0xffffc90004e2c000L, a.vaStart());
    assertEquals("18446683600651993088", Long.toUnsignedString(a.vaStart()));
    assertEquals(20480, a.size());
    assertEquals(16384, a.align());
    assertFalse(a.failed());

    TraceEvent.VmapFree f = assertInstanceOf(TraceEvent.VmapFree.class, only(FREE_DEFAULT));
    assertEquals(0xffffc90004e24000L, f.vaStart());
    assertEquals(a.vaStart() - 0x8000, f.vaStart());   // the area two slots below, compared as integers
    assertEquals(0xffffc90000110000L, assertInstanceOf(TraceEvent.VmapFree.class, only(TINY_FREE)).vaStart());

    TraceEvent.VmapAlloc failed = assertInstanceOf(TraceEvent.VmapAlloc.class, only(ALLOC_HEAD.replace("failed=0", "failed=1")));
    assertTrue(failed.failed());
  }

  // ---- call chains

  @Test void aCallChainThroughCopyProcessMarksTheAllocAsTheForkPath() {
    List<TraceEvent> all = events(ALLOC_HEAD + "\n" + ALLOC_CHAIN + FORK_DEFAULT + "\n");
    assertEquals(2, all.size());
    TraceEvent.VmapAlloc a = assertInstanceOf(TraceEvent.VmapAlloc.class, all.get(0));
    assertTrue(a.chain());
    assertTrue(a.forkPath());
    assertInstanceOf(TraceEvent.Fork.class, all.get(1));

    TraceEvent.VmapAlloc tiny = assertInstanceOf(TraceEvent.VmapAlloc.class, events(TINY_ALLOC + TINY_FORK + "\n").get(0));
    assertTrue(tiny.chain());
    assertTrue(tiny.forkPath());
    assertEquals(0xffffc90000100000L, tiny.vaStart());
  }

  @Test void anAllocWithoutACallChainHasNoChainAndNoForkPath() {
    List<TraceEvent> all = events(ALLOC_HEAD + "\n" + FORK_DEFAULT + "\n");
    TraceEvent.VmapAlloc a = assertInstanceOf(TraceEvent.VmapAlloc.class, all.get(0));
    assertFalse(a.chain());
    assertFalse(a.forkPath());
    // the last event of the trace, with nothing after it
    TraceEvent.VmapAlloc last = assertInstanceOf(TraceEvent.VmapAlloc.class, only(ALLOC_HEAD));
    assertFalse(last.chain());
  }

  @Test void aCallChainOutsideTheForkPathIsAChainButNotTheForkPath() {
    String chain = """
        \tffffffff8162398c alloc_vmap_area+0x68c ([kernel.kallsyms])
        \tffffffff8162685d __get_vm_area_node+0xcd ([kernel.kallsyms])
        \tffffffff81627235 __vmalloc_node_range_noprof+0x145 ([kernel.kallsyms])
        \tffffffff8145e6e6 load_module+0x1ef6 ([kernel.kallsyms])

        """;
    TraceEvent.VmapAlloc a = assertInstanceOf(TraceEvent.VmapAlloc.class, events(ALLOC_HEAD + "\n" + chain + FORK_DEFAULT + "\n").get(0));
    assertTrue(a.chain());
    assertFalse(a.forkPath());
  }

  @Test void callChainLinesAreNotEventLines() {
    PerfScript in = read(ALLOC_HEAD + "\n" + ALLOC_CHAIN + FORK_DEFAULT + "\n");
    assertEquals(2, events(in).size());
    assertEquals(14, in.lines());          // 1 + 11 chain + 1 blank + 1
    assertEquals(2, in.eventLines());
  }

  // ---- what is skipped

  @Test void unusedEventsAreSkippedButCountedAsEventLines() {
    String wakeup = "            bash 15361 [000]   257.116400:             sched:sched_wakeup: comm=make pid=15359 prio=120 target_cpu=001 ffffffff813b4380 ttwu_do_activate+0x240 ([kernel.kallsyms])";
    PerfScript in = read(TINY_FORK + "\n" + TINY_STAT_RUNTIME + "\n" + wakeup + "\n" + TINY_EXIT + "\n");
    List<TraceEvent> all = events(in);
    assertEquals(2, all.size());
    assertInstanceOf(TraceEvent.Fork.class, all.get(0));
    assertInstanceOf(TraceEvent.Exit.class, all.get(1));
    assertEquals(4, in.eventLines());
    assertEquals(4, in.lines());
    assertEquals(4, all.get(1).line());    // events keep their line numbers in the file
  }

  @Test void blankAndCommentLinesAreSkipped() {
    String text = """
        # ========
        # captured on    : Tue Mar 24 10:00:00 2026
        # cmdline : /usr/bin/perf record -a -e sched:sched_switch
        # ========
        #

        """ + TINY_FORK + "\n\n\n" + TINY_EXIT + "\n";
    PerfScript in = read(text);
    List<TraceEvent> all = events(in);
    assertEquals(2, all.size());
    assertEquals(7, all.get(0).line());
    assertEquals(10, all.get(1).line());
    assertEquals(2, in.eventLines());
    assertEquals(10, in.lines());
  }

  @Test void anEmptyTraceHasNoEvents() {
    PerfScript in = read("");
    assertNull(in.next());
    assertNull(in.next());
    assertEquals(0, in.lines());
  }

  // ---- compressed input

  private static byte[] bytes(String text) { return text.getBytes(StandardCharsets.UTF_8); }

  private static final String SMALL = SWITCH_DEFAULT + "\n" + ALLOC_HEAD + "\n" + ALLOC_CHAIN + FORK_DEFAULT + "\n" + WAKEUP_NEW_DEFAULT + "\n";

  private static void sameAsPlain(PerfScript compressed) {
    List<TraceEvent> plain = events(SMALL);
    assertEquals(4, plain.size());
    assertEquals(plain, events(compressed));
    assertEquals(16, compressed.lines());
  }

  @Test void gzipInputIsToldByItsMagicBytes(@TempDir Path dir) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (OutputStream z = new GZIPOutputStream(b)) { z.write(bytes(SMALL)); }
    assertEquals(0x1f, b.toByteArray()[0] & 0xff);
    sameAsPlain(PerfScript.of("t.perf.txt.gz", new ByteArrayInputStream(b.toByteArray())));
    // the file's name does not matter: the bytes do
    Path f = dir.resolve("trace.txt");
    Files.write(f, b.toByteArray());
    sameAsPlain(PerfScript.open(f, "trace.txt"));
  }

  @Test void xzInputIsToldByItsMagicBytes(@TempDir Path dir) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (OutputStream z = new XZOutputStream(b, new LZMA2Options())) { z.write(bytes(SMALL)); }
    assertEquals(0xfd, b.toByteArray()[0] & 0xff);
    sameAsPlain(PerfScript.of("t.perf.txt.xz", new ByteArrayInputStream(b.toByteArray())));
    Path f = dir.resolve("trace.perf");
    Files.write(f, b.toByteArray());
    sameAsPlain(PerfScript.open(f, "trace.perf"));
  }

  @Test void aCorruptCompressedTraceIsATraceError() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (OutputStream z = new XZOutputStream(b, new LZMA2Options())) { z.write(bytes(SMALL)); }
    byte[] cut = java.util.Arrays.copyOf(b.toByteArray(), b.size() / 2);
    TraceError e = assertThrows(TraceError.class, () -> events(PerfScript.of("cut.xz", new ByteArrayInputStream(cut))));
    assertEquals("cut.xz", e.file);
    assertTrue(e.getMessage().startsWith("cannot read the trace"), e.getMessage());
  }

  // ---- errors

  @Test void aMalformedLineNamesTheFileTheLineAndItsText() {
    String garbage = "this is not perf script output";
    TraceError e = error(TINY_FORK + "\n" + TINY_WAKEUP_NEW + "\n" + garbage + "\n" + TINY_EXIT + "\n");
    assertEquals("t.perf.txt", e.file);
    assertEquals(3, e.line);
    assertEquals(garbage, e.text);
    assertTrue(e.describe().startsWith("t.perf.txt:3: not an event line"), e.describe());
    assertTrue(e.describe().endsWith("\n  " + garbage), e.describe());
  }

  @Test void aLineWithoutAnEventNameIsAnError() {
    TraceError e = error(TINY_FORK + "\n" + "              sh   100 [000]     1.000000: no event here\n");
    assertEquals(2, e.line);
    assertTrue(e.getMessage().contains("no event name"), e.getMessage());
  }

  @Test void aSwitchWithoutNextPidIsAnError() {
    String noNext = TINY_SWITCH.replace(" next_pid=101", "");
    TraceError e = error(TINY_FORK + "\n" + noNext + "\n");
    assertEquals("t.perf.txt", e.file);
    assertEquals(2, e.line);
    assertEquals(noNext, e.text);
    assertEquals("sched:sched_switch without next_pid=", e.getMessage());
    assertTrue(e.describe().startsWith("t.perf.txt:2: sched:sched_switch without next_pid=\n  "), e.describe());
  }

  @Test void otherMissingFieldsAreErrorsToo() {
    assertEquals("sched:sched_process_fork without child_pid=", error(TINY_FORK.replace(" child_pid=101", "") + "\n").getMessage());
    assertEquals("sched:sched_switch without prev_state=", error(TINY_SWITCH.replace(" prev_state=R", "") + "\n").getMessage());
    assertEquals("sched:sched_migrate_task without dest_cpu=", error(TINY_MIGRATE.replace(" dest_cpu=1", "") + "\n").getMessage());
    assertTrue(error(ALLOC_HEAD.replace("va_start: 18446683600651993088", "va_start: x") + "\n").getMessage().contains("expected an address"));
    assertTrue(error(FREE_DEFAULT.replace("0xffffc90004e24000", "0x") + "\n").getMessage().contains("expected an address"));
  }

  @Test void anAddressBeyond64BitsIsAnError() {
    TraceError e = error(ALLOC_HEAD.replace("18446683600651993088", "18446744073709551616") + "\n");   // 2^64
    assertTrue(e.getMessage().contains("expected an address after va_start"), e.getMessage());
    assertEquals(1, e.line);
  }

  @Test void aPidOutOfRangeInAFieldIsAnError() {
    TraceError e = error(TINY_FORK.replace("child_pid=101", "child_pid=99999999999") + "\n");
    assertTrue(e.getMessage().contains("out of range"), e.getMessage());
  }

  @Test void aMissingFileIsATraceError(@TempDir Path dir) {
    TraceError e = assertThrows(TraceError.class, () -> PerfScript.open(dir.resolve("nope.perf.txt"), "nope.perf.txt"));
    assertEquals("nope.perf.txt", e.file);
    assertEquals(0, e.line);
    assertEquals("nope.perf.txt: cannot read the trace: no such file", e.describe());
    TraceError d = assertThrows(TraceError.class, () -> PerfScript.open(dir, "dir"));
    assertEquals("dir: cannot read the trace: it is a directory", d.describe());
  }

  @Test void theWholeTinyTraceReads() throws IOException {
    Path tiny = tiny();
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(tiny), "no " + tiny);
    try (PerfScript in = PerfScript.open(tiny, "tiny.perf.txt")) {
      List<TraceEvent> all = events(in);
      assertEquals(53, in.lines());
      assertEquals(41, in.eventLines());
      assertEquals(40, all.size());        // the sched_stat_runtime line is skipped
      assertEquals(5, all.stream().filter(e -> e instanceof TraceEvent.Fork).count());
      assertEquals(5, all.stream().filter(e -> e instanceof TraceEvent.Exit).count());
      assertEquals(3, all.stream().filter(e -> e instanceof TraceEvent.VmapAlloc a && a.forkPath()).count());
    }
  }

  // ---- bugs these tests found (each failed before its fix in PerfScript)

  /**
   * Found: the header's CPU is cast to int without a range check (PerfScript.parse: {@code (int)
   * digits(...)} for "the CPU"), so {@code [4294967296]} reads as CPU 0 and {@code [4294967295]} as
   * CPU -1 instead of being refused at their line.
   */
  @Test void aCpuNumberBeyondAnIntIsAnErrorNotAWrappedNumber() {
    for (String cpu : new String[] {"4294967296", "4294967295", "2147483648"}) {
      TraceError e = assertThrows(TraceError.class, () -> events(TINY_FORK.replace("[000]", "[" + cpu + "]") + "\n"),
          "[" + cpu + "] was read as a CPU");
      assertEquals(1, e.line);
    }
  }

  /**
   * Found: the header's pid is cast the same way (PerfScript.parse, "the pid"), so
   * {@code sh 4294967396 [000]} reads as pid 100, another task.
   */
  @Test void aHeaderPidBeyondAnIntIsAnErrorNotAWrappedNumber() {
    TraceError e = assertThrows(TraceError.class, () -> events(TINY_FORK.replace("sh   100 [000]", "sh 4294967396 [000]") + "\n"),
        "4294967396 was read as a pid");
    assertEquals(1, e.line);
  }

  /**
   * Found: a call chain under an event the reader skips is taken for the chain of the alloc_vmap_area
   * before it (PerfScript.next keeps the alloc held across the skipped event and chain() adds any
   * tab line to it), so an alloc without a chain, or with one outside the fork path, becomes a fork
   * path stack vmalloc.
   */
  @Test void aCallChainUnderASkippedEventIsNotTheAllocsChain() {
    String runtime = "              sh   100 [000]     0.999995:       sched:sched_stat_runtime: comm=sh pid=100 runtime=90000 [ns]";
    String chain = "\tffffffff813576b1 copy_process+0xe41 (vmlinux)\n\tffffffff81358624 kernel_clone+0x94 (vmlinux)\n";
    String alloc = TINY_ALLOC.lines().findFirst().orElseThrow();
    TraceEvent.VmapAlloc a = assertInstanceOf(TraceEvent.VmapAlloc.class,
        events(alloc + "\n" + runtime + "\n" + chain + TINY_FORK + "\n").get(0));
    assertFalse(a.chain(), "the chain belongs to sched_stat_runtime");
    assertFalse(a.forkPath(), "the chain belongs to sched_stat_runtime");
  }

  /**
   * Found: a truncated event line whose command name is made of hex digits ({@code cc1},
   * {@code dd}) passes for a call-chain line written with spaces (PerfScript.looksLikeChain does not
   * ask for indentation) and is dropped silently instead of being refused at its line.
   */
  @Test void aTruncatedEventLineIsAnErrorEvenWhenItsCommandLooksLikeHex() {
    String cut = "             cc1 15380 [001]   257.1556";
    TraceError e = assertThrows(TraceError.class, () -> events(TINY_FORK + "\n" + cut + "\n" + TINY_EXIT + "\n"));
    assertEquals(2, e.line);
  }

  @Test void aTruncatedEventLineIsAnError() {
    String cut = "            make 15359 [001]   257.1147";
    TraceError e = error(TINY_FORK + "\n" + cut + "\n");
    assertEquals(2, e.line);
    assertEquals(cut, e.text);
  }

  static Path tiny() {
    Path root = dev.kss.Scripts.root();
    return root == null ? Path.of("tiny.perf.txt") : root.resolveSibling("shared").resolve("conformance/v2/traces/tiny.perf.txt");
  }
}
