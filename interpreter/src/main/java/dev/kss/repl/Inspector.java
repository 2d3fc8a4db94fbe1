package dev.kss.repl;

import dev.kss.machine.Machine;
import dev.kss.machine.mem.KernelStack;
import dev.kss.machine.mem.Page;
import dev.kss.machine.mem.PageTable;
import dev.kss.machine.metrics.MetricCatalog;
import dev.kss.machine.rcu.RcuState;
import dev.kss.machine.sched.Cpu;
import dev.kss.machine.sched.Task;
import dev.kss.machine.stack.Kernel;
import dev.kss.machine.stack.Policy;
import dev.kss.machine.tlb.Tlb;
import dev.kss.run.Format;
import dev.kss.run.Session;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What {@code :show} and {@code :metrics} print: the machine as tables, read only. */
final class Inspector {
  /** The last {@code :show stack} of each thread, to mark what changed since. */
  private final Map<String, List<String>> lastStacks = new HashMap<>();

  void forget() { lastStacks.clear(); }

  String show(Session s, String arg) {
    String[] w = arg.strip().split("\\s+", 2);
    String what = w[0], rest = w.length > 1 ? w[1].strip() : "";
    Machine m = s.machine();
    return switch (what) {
      case "cpus" -> cpus(m);
      case "threads" -> threads(m);
      case "stack" -> {
        if (rest.isEmpty()) throw new IllegalArgumentException("expected a thread");
        yield stack(m, rest);
      }
      case "tlb" -> tlb(m, cpu(m, rest));
      case "caches" -> caches(m);
      case "rcu" -> rcu(m);
      default -> throw new IllegalArgumentException("expected cpus, threads, stack THREAD, tlb CPU, caches or rcu");
    };
  }

  String time(Session s) { return Format.nanos(s.machine().now()); }

  // ---- cpus and threads

  private String cpus(Machine m) {
    StringBuilder b = new StringBuilder("cpu  clock        running          runnable  tlb entries  rcu\n");
    Kernel k = m.kernel();
    for (int i = 0; i < k.cpus(); i++) {
      Cpu c = k.cpu(i);
      Tlb tlb = k.mmu.tlbOf(i);
      b.append(String.format("%-4d %-12s %-16s %-9d %-12s %s%n", c.id, Format.nanos(m.now(i)),
          c.idle() ? "(idle)" : c.current().name + (c.current().inKernel ? " (kernel)" : " (user)"),
          c.runnable(), tlb != null ? tlb.entries() : 0, c.quiescent() ? "quiescent" : "-"));
    }
    return b.toString();
  }

  private String threads(Machine m) {
    if (m.liveTasks().isEmpty()) return "no live threads\n";
    StringBuilder b = new StringBuilder("thread       state      cpu  mode    preempt irq  policy               depth      mapped\n");
    for (Task t : m.liveTasks()) {
      KernelStack st = t.stack;
      b.append(String.format("%-12s %-10s %-4d %-7s %-7d %-4d %-20s %-10s %d/%d pages%n", t.name, state(m, t), t.cpu,
          t.inKernel ? "kernel" : "user", t.preemptCount, t.irqCount, m.kernel().policyOf(t).name,
          st == null ? "-" : Format.bytes(st.depth), st == null ? 0 : st.mappedCount(), st == null ? 0 : st.pages));
    }
    return b.toString();
  }

  private static String state(Machine m, Task t) {
    if (t.state != Task.State.RUNNABLE) return t.state.name().toLowerCase();
    return m.cpu(t.cpu).current() == t ? "running" : "runnable";
  }

  private static Task task(Machine m, String name) {
    String want = name.replace(" ", "");
    for (Task t : m.liveTasks()) if (t.name.equals(want)) return t;
    List<String> names = new ArrayList<>();
    for (Task t : m.liveTasks()) names.add(t.name);
    throw new IllegalArgumentException("no live thread '" + name + "'"
        + (names.isEmpty() ? "" : "; live: " + String.join(", ", names.subList(0, Math.min(names.size(), 12))) + (names.size() > 12 ? ", ..." : "")));
  }

  private static int cpu(Machine m, String arg) {
    try {
      int c = Integer.parseInt(arg);
      if (c >= 0 && c < m.kernel().cpus()) return c;
    } catch (NumberFormatException e) {
      // below
    }
    throw new IllegalArgumentException("expected a CPU from 0 to " + (m.kernel().cpus() - 1) + (arg.isEmpty() ? "" : ", not '" + arg + "'"));
  }

  // ---- stacks

  /**
   * The stack page by page from the top down to the guard: address, mapped or not, the frame behind
   * it, which CPUs' TLBs translate it (stale when the entry no longer matches the PTE), and where the
   * stack pointer is. Lines that changed since the last look at this thread are marked *.
   */
  private String stack(Machine m, String name) {
    Task t = task(m, name);
    KernelStack st = t.stack;
    Kernel k = m.kernel();
    Map<Long, String> tlbs = tlbHolders(m);
    long sp = st.top - st.depth;
    List<String> lines = new ArrayList<>();
    dev.kss.machine.stack.PolicyConfig config = m.kernel().policy(st.policy).config;
    for (int i = config.guardAbove; i > 0; i--) lines.add(row("guard", st.top + Page.bytes(i - 1), "guard", "", ""));
    int used = KernelStack.pagesFor(st.depth);
    for (int p = 0; p < st.pages; p++) {
      long va = st.pageVa(p);
      String state, frame;
      if (st.directMapped) {
        state = "mapped";
        frame = "direct";
      } else {
        long pte = k.pageTable.pte(va);
        state = st.isMapped(p) ? "mapped" : "unmapped";
        frame = PageTable.present(pte) ? "pfn " + PageTable.pfn(pte) + " gen " + PageTable.gen(pte) : "-";
      }
      String note = (p < used ? "in use" : "") + (sp >= va && sp < va + Page.SIZE && st.depth > 0 ? " <- sp" : "");
      String held = tlbs.getOrDefault(Page.number(va), "");
      lines.add(row(String.valueOf(p), va, state, frame, (held + " " + note).strip()));
    }
    for (int g = 0; g < config.guardPages; g++) lines.add(row("guard", st.pageVa(st.pages + g), "guard", "", ""));
    List<String> before = lastStacks.put(t.name, lines);
    StringBuilder b = new StringBuilder();
    b.append(String.format("%s (%s, %s, cpu %d, policy %s): depth %s, deepest %s, sp 0x%x, %d of %d pages mapped%n",
        t.name, state(m, t), t.inKernel ? "in kernel" : "in user mode", t.cpu, m.kernel().policyOf(t).name, Format.bytes(st.depth),
        Format.bytes(st.deepest), sp, st.mappedCount(), st.pages));
    b.append("   page   address             state     frame            tlb / use\n");
    for (int i = 0; i < lines.size(); i++) {
      boolean changed = before != null && (i >= before.size() || !before.get(i).equals(lines.get(i)));
      b.append(changed ? " * " : "   ").append(lines.get(i)).append('\n');
    }
    if (t.published.length > 0) {
      b.append("   published at:");
      for (long off : t.published) b.append(' ').append(Format.bytes(off));
      b.append('\n');
    }
    return b.toString();
  }

  private static String row(String page, long va, String state, String frame, String note) {
    return String.format("%-6s 0x%016x  %-9s %-16s %s", page, va, state, frame, note).stripTrailing();
  }

  /** vpn -> "tlb: cpu0 cpu1(stale)" for every page some TLB translates. */
  private static Map<Long, String> tlbHolders(Machine m) {
    Map<Long, StringBuilder> held = new TreeMap<>();
    PageTable pt = m.kernel().pageTable;
    for (int c = 0; c < m.kernel().cpus(); c++) {
      Tlb tlb = m.kernel().mmu.tlbOf(c);
      if (tlb == null) continue;
      int cpu = c;
      tlb.forEach((vpn, pages, pfn, gen) -> {
        for (int i = 0; i < pages; i++) {
          long pte = pt.pte(Page.address(vpn + i));
          boolean stale = !PageTable.present(pte) || PageTable.pfn(pte) != pfn + i || i == 0 && PageTable.gen(pte) != gen;
          held.computeIfAbsent(vpn + i, x -> new StringBuilder("tlb:")).append(" cpu").append(cpu).append(stale ? "(STALE)" : "");
        }
      });
    }
    Map<Long, String> out = new HashMap<>();
    held.forEach((k, v) -> out.put(k, v.toString()));
    return out;
  }

  private String tlb(Machine m, int cpu) {
    Tlb tlb = m.kernel().mmu.tlbOf(cpu);
    if (tlb == null || tlb.entries() == 0) return "cpu " + cpu + ": the TLB holds no kernel stack translations\n";
    PageTable pt = m.kernel().pageTable;
    Map<Long, String> owners = pageOwners(m);
    StringBuilder b = new StringBuilder("cpu " + cpu + ": " + tlb.entries() + " STLB entries\n   address             pages  pfn     gen  now                 page of\n");
    tlb.forEach((vpn, pages, pfn, gen) -> {
      long pte = pt.pte(Page.address(vpn));
      boolean stale = !PageTable.present(pte) || PageTable.pfn(pte) != pfn || PageTable.gen(pte) != gen;
      String now = PageTable.present(pte) ? "pfn " + PageTable.pfn(pte) + " gen " + PageTable.gen(pte) : "unmapped";
      b.append(String.format("%s 0x%016x  %-6d %-7d %-4d %-19s %s%n", stale ? " *" : "  ", Page.address(vpn), pages, pfn, gen, now,
          owners.getOrDefault(vpn, "")).stripTrailing()).append('\n');
    });
    b.append(" * stale: the entry no longer matches the page table\n");
    return b.toString().replace("\n\n", "\n");
  }

  /** vpn -> "a page 2" for the pages of live threads' stacks. */
  private static Map<Long, String> pageOwners(Machine m) {
    Map<Long, String> out = new HashMap<>();
    for (Task t : m.liveTasks()) for (int p = 0; p < t.stack.pages; p++) out.put(Page.number(t.stack.pageVa(p)), t.name + " page " + p);
    return out;
  }

  // ---- caches, rcu, metrics

  private String caches(Machine m) {
    StringBuilder b = new StringBuilder();
    for (Policy p : m.policies()) {
      StringBuilder line = new StringBuilder();
      p.forEachCached((cpu, st) -> line.append(cpu < 0 ? " global:" : " cpu" + cpu + ":").append(String.format("0x%x", st.top)));
      StringBuilder supply = new StringBuilder();
      for (int c = 0; c < m.kernel().cpus(); c++) if (p.supplyCount(c) > 0) supply.append(" cpu").append(c).append(": ").append(p.supplyCount(c));
      if (line.isEmpty() && supply.isEmpty() && p.cachedStacks() == 0) continue;
      b.append(String.format("%-20s cached stacks %d:%s%n", p.name, p.cachedStacks(), line.isEmpty() ? " none" : line));
      if (!supply.isEmpty()) b.append(String.format("%-20s page supply (pages):%s%n", "", supply));
    }
    return b.isEmpty() ? "no cached stacks and no page supply\n" : b.toString();
  }

  private String rcu(Machine m) {
    RcuState<?> r = m.kernel().rcu;
    return "grace periods completed: " + r.completed() + "\n"
        + "grace period in progress: " + (!r.active() ? "no"
            : r.end() >= 0 ? "yes, every CPU has reported; it ends at " + Format.nanos(r.end())
            : "yes, since " + Format.nanos(r.started()) + ", waiting for CPUs to pass a quiescent state") + "\n"
        + "callbacks waiting: " + r.waiting() + "\n"
        + "now: " + Format.nanos(m.now()) + "\n";
  }

  String metrics(Session s, String prefix) {
    Machine m = s.machine();
    java.util.regex.Matcher cpu = java.util.regex.Pattern.compile("cpu\\[(\\d+)\\]\\.?(.*)").matcher(prefix);
    if (cpu.matches()) return cpuMetrics(m, Integer.parseInt(cpu.group(1)), cpu.group(2));
    StringBuilder b = new StringBuilder();
    int width = 0;
    List<MetricCatalog.Info> shown = new ArrayList<>();
    for (MetricCatalog.Info i : MetricCatalog.all()) if (i.name().startsWith(prefix)) { shown.add(i); width = Math.max(width, i.name().length()); }
    for (MetricCatalog.Info i : shown) {
      b.append(String.format("%-" + width + "s  %s", i.name(), Format.metric(m.metric(i.name(), null), i.unit())));
      if (m.policies().size() > 1) {
        StringBuilder per = new StringBuilder();
        for (Policy p : m.policies()) {
          Object v = m.metric(i.name(), p);
          if (v instanceof Number n && n.doubleValue() != 0) per.append(per.isEmpty() ? "   (" : ", ").append(p.name).append(' ').append(Format.metric(v, i.unit()));
        }
        if (!per.isEmpty()) b.append(per).append(')');
      }
      b.append('\n');
    }
    return shown.isEmpty() ? "no metric starts with '" + prefix + "'\n" : b.toString();
  }

  /** {@code :metrics cpu[N].PREFIX}: the per-CPU metrics of CPU N ({@code now} is its clock). */
  private String cpuMetrics(Machine m, int cpu, String prefix) {
    if (cpu >= m.kernel().cpus()) return "cpu " + cpu + " does not exist: the machine has cpus 0 to " + (m.kernel().cpus() - 1) + "\n";
    StringBuilder b = new StringBuilder();
    for (var e : MetricCatalog.PER_CPU.entrySet()) {
      if (!e.getKey().startsWith(prefix)) continue;
      MetricCatalog.Info i = e.getValue();
      b.append(String.format("cpu[%d].%-26s %s%n", cpu, e.getKey(), Format.metric(m.metric(i.name(), cpu), i.unit())));
    }
    return b.isEmpty() ? "no per-CPU metric starts with '" + prefix + "'\n" : b.toString();
  }

  /** Which violation counters are not zero, per policy: "violations.stale_tlb = 1 (local_flush)". */
  String violations(Session s) {
    Machine m = s.machine();
    List<String> parts = new ArrayList<>();
    for (MetricCatalog.Info i : MetricCatalog.all()) {
      if (!i.name().startsWith("violations.") || i.name().equals("violations.total")) continue;
      Object v = m.metric(i.name(), null);
      if (!(v instanceof Number n) || n.doubleValue() == 0) continue;
      List<String> who = new ArrayList<>();
      for (Policy p : m.policies()) if (m.metric(i.name(), p) instanceof Number pn && pn.doubleValue() != 0) who.add(p.name);
      parts.add(i.name() + " = " + Format.metric(v, i.unit()) + (who.isEmpty() ? "" : " (" + String.join(", ", who) + ")"));
    }
    return String.join(", ", parts);
  }
}
