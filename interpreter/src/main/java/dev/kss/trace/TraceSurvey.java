package dev.kss.trace;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;

/**
 * A first pass over a trace: how many CPUs it ran on, when it starts and ends, and the tasks that
 * were alive before its first event (seen before any fork of theirs), which a replay sets up
 * first. Holds one bit per pid seen and a line per task alive at the start, whatever the length.
 */
public final class TraceSurvey {
  /**
   * A task alive when the trace starts: its name, the CPU it was first seen on, whether it was
   * running there (seen as the task of an event line or switched out) rather than waiting to run,
   * and whether it looks like a kernel thread.
   */
  public record Initial(int pid, String comm, int cpu, boolean running, boolean kernel) {}

  public final String file;
  public final int cpus;
  public final long first, last;
  public final long eventLines, lines;
  public final List<Initial> initial;

  private TraceSurvey(String file, int cpus, long first, long last, long eventLines, long lines, List<Initial> initial) {
    this.file = file;
    this.cpus = cpus;
    this.first = first;
    this.last = last;
    this.eventLines = eventLines;
    this.lines = lines;
    this.initial = Collections.unmodifiableList(initial);
  }

  public static TraceSurvey of(PerfScript in) {
    BitSet seen = new BitSet();
    List<Initial> initial = new ArrayList<>();
    int cpus = 0;
    long first = -1, last = -1;
    for (TraceEvent e = in.next(); e != null; e = in.next()) {
      TraceEvent.Header h = e.at();
      if (first < 0) first = h.time();
      last = h.time();
      cpus = Math.max(cpus, h.cpu() + 1);
      if (e instanceof TraceEvent.Fork f) {
        see(seen, initial, f.parent(), h.comm(), h.cpu(), true);
        seen.set(f.child());
        continue;
      }
      see(seen, initial, h.pid(), h.comm(), h.cpu(), true);
      switch (e) {
        case TraceEvent.Switch s -> {
          see(seen, initial, s.prev(), s.prevComm(), h.cpu(), true);
          see(seen, initial, s.next(), s.nextComm(), h.cpu(), false);
        }
        case TraceEvent.Migrate m -> {
          cpus = Math.max(cpus, Math.max(m.from(), m.to()) + 1);
          see(seen, initial, m.pid(), m.comm(), m.from(), false);
        }
        case TraceEvent.WakeupNew w -> {
          cpus = Math.max(cpus, w.target() + 1);
          see(seen, initial, w.pid(), w.comm(), w.target(), false);
        }
        case TraceEvent.Exit x -> see(seen, initial, x.pid(), x.comm(), h.cpu(), true);
        default -> {}
      }
    }
    return new TraceSurvey(in.name(), cpus, first, last, in.eventLines(), in.lines(), initial);
  }

  private static void see(BitSet seen, List<Initial> initial, int pid, String comm, int cpu, boolean running) {
    if (pid <= 0 || seen.get(pid)) return;
    seen.set(pid);
    initial.add(new Initial(pid, comm, cpu, running, pid == 2 || looksLikeKernelThread(comm)));
  }

  /**
   * The names of kernel threads (kthreadd's children) as ps shows them: a trace does not say who
   * forked a task alive at its start, so a replay tells kernel threads by name. Children forked in
   * the trace take their parent's kind.
   */
  static boolean looksLikeKernelThread(String comm) {
    for (String p : KERNEL_THREAD_PREFIXES) if (comm.startsWith(p)) return true;
    return false;
  }

  private static final String[] KERNEL_THREAD_PREFIXES = {
      "kthreadd", "kworker/", "ksoftirqd/", "migration/", "rcu_", "rcu/", "cpuhp/", "idle_inject/", "watchdog",
      "irq/", "kswapd", "kcompactd", "khugepaged", "ksmd", "kauditd", "khungtaskd", "oom_reaper", "kblockd",
      "kintegrityd", "kdevtmpfs", "jbd2/", "ext4-", "xfs", "writeback", "kthrotld", "scsi_", "napi/", "card",
      "kstrp", "zswap", "ipv6_addrconf", "mm_percpu_wq", "inet_frag_wq", "netns", "blkcg_punt_bio", "md", "edac-",
      "pool_workqueue", "kverityd", "cryptd", "ttm", "hwrng", "psimon", "ecryptfs", "nvme-", "ata_sff", "vfio-"};
}
