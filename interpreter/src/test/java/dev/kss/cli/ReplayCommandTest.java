package dev.kss.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.kss.Scripts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kss replay TRACE --policy A --policy B}: the side-by-side table, its JSON, and its errors. */
class ReplayCommandTest {
  private static final String TINY = """
             swapper/0     0 [000]     0.999900:             sched:sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=sh next_pid=100 next_prio=120
                    sh   100 [000]     0.999990:        vmalloc:alloc_vmap_area: va_start: 18446683600571072512 size=20480 align=16384 vstart=0xffffc90000000000 vend=0xffffe8ffffffffff failed=0
                    sh   100 [000]     1.000000:       sched:sched_process_fork: comm=sh pid=100 child_comm=sh child_pid=101
                    sh   100 [000]     1.000002:         sched:sched_wakeup_new: comm=sh pid=101 prio=120 target_cpu=001
             swapper/1     0 [001]     1.000010:             sched:sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=sh next_pid=101 next_prio=120
                    sh   101 [001]     1.000400:       sched:sched_process_exit: comm=sh pid=101 prio=120 group_dead=true
                    sh   101 [001]     1.000410:             sched:sched_switch: prev_comm=sh prev_pid=101 prev_prio=120 prev_state=Z ==> next_comm=swapper/1 next_pid=0 next_prio=120
                    sh   100 [000]     1.001000:       sched:sched_process_fork: comm=sh pid=100 child_comm=sh child_pid=102
                    sh   100 [000]     1.001010:             sched:sched_switch: prev_comm=sh prev_pid=100 prev_prio=120 prev_state=S ==> next_comm=sh next_pid=102 next_prio=120
                    sh   102 [000]     1.001500:       sched:sched_process_exit: comm=sh pid=102 prio=120 group_dead=true
                    sh   102 [000]     1.001510:             sched:sched_switch: prev_comm=sh prev_pid=102 prev_prio=120 prev_state=Z ==> next_comm=swapper/0 next_pid=0 next_prio=120
      """;

  private record Run(int exit, String out, String err) {}

  private static Run kss(String... args) {
    ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
    int code = Main.execute(args, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
    return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
  }

  @Test void printsEachPolicyBesideTheRecordedKernel(@TempDir Path dir) throws Exception {
    Path trace = dir.resolve("t.perf.txt");
    Files.writeString(trace, TINY);
    Path json = dir.resolve("t.json");
    Run r = kss("replay", trace.toString(), "--policy", "linux_vmap_switch", "--policy", "linux_vmap", "--json", json.toString());
    assertEquals(0, r.exit, r.err);
    String header = r.out.lines().skip(1).findFirst().orElseThrow();
    assertTrue(header.contains("linux_vmap_switch") && header.contains("linux_vmap ") && header.contains("kernel (recorded)"), header);
    // Two forks on CPU 0, the first dies on CPU 1: both miss; the kernel vmalloc'd one stack for two forks.
    String rate = r.out.lines().filter(l -> l.startsWith("cache hit rate")).findFirst().orElseThrow();
    assertTrue(rate.trim().endsWith("50%"), rate);
    assertTrue(r.out.startsWith("kss replay " + trace + ": 11 events, 2 forks, 2 exits"), r.out);
    String j = Files.readString(json);
    assertTrue(j.contains("\"trace.kernel.stack_vmallocs\" : 1") && j.contains("\"linux_vmap_switch\""), j);
  }

  @Test void anUnknownPolicyIsAWordedErrorWithTheNearestName(@TempDir Path dir) throws Exception {
    Path trace = dir.resolve("t.perf.txt");
    Files.writeString(trace, TINY);
    Run r = kss("replay", trace.toString(), "--policy", "linux_vmap_swich");
    assertEquals(2, r.exit);
    assertTrue(r.err.startsWith("kss replay: unknown policy 'linux_vmap_swich', did you mean 'linux_vmap_switch'?"), r.err);
    assertEquals("", r.out);
  }

  @Test void aMissingTraceAndTooFewCpusAreWordedErrors(@TempDir Path dir) throws Exception {
    Run missing = kss("replay", dir.resolve("none.perf.txt").toString());
    assertEquals(2, missing.exit);
    assertTrue(missing.err.contains("none.perf.txt: cannot read the trace: no such file"), missing.err);
    Path trace = dir.resolve("t.perf.txt");
    Files.writeString(trace, TINY);
    Run few = kss("replay", trace.toString(), "--cpus", "1");
    assertEquals(2, few.exit);
    assertTrue(few.err.contains("the trace ran on 2 CPUs, more than --cpus 1"), few.err);
    assertFalse(missing.err.contains("\tat ") || few.err.contains("\tat "));
  }

  @Test void aMalformedLineNamesTheTraceFileAndLine(@TempDir Path dir) throws Exception {
    Path trace = dir.resolve("t.perf.txt");
    Files.writeString(trace, TINY + "this is not perf output\n");
    Run r = kss("replay", trace.toString());
    assertEquals(2, r.exit);
    assertTrue(r.err.startsWith("kss replay: " + trace + ":12: not an event line of perf script"), r.err);
    assertTrue(r.err.contains("this is not perf output"), r.err);
  }

  @Test void aScriptReplaysTheSameTraceAsTheCommand(@TempDir Path dir) throws Exception {
    Path trace = dir.resolve("t.perf.txt");
    Files.writeString(trace, TINY);
    Scripts.Result s = Scripts.run(dir.resolve("r.kss").toString(), "machine { cpus 2 }\nuse linux\nreplay \"" + trace + "\" policy linux_vmap_switch\n"
        + "expect trace.forks == 2 and trace.kernel.fork_hit_rate == 50% and linux_vmap_switch.cache.hit_rate == 0\n");
    assertEquals(0, s.exit(), s.out() + s.err());
  }
}
