package dev.kss.run;

import dev.kss.ast.ScriptError;
import dev.kss.ast.Stmt;
import dev.kss.machine.base.SimError;
import dev.kss.machine.Machine;
import dev.kss.machine.mem.PageTable;
import dev.kss.machine.metrics.Metric;
import dev.kss.machine.op.Op;
import dev.kss.machine.probe.Probe;
import dev.kss.machine.sched.Task;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The search of {@code explore} (LANGUAGE.md, "explore"): every interleaving of the CPU programs'
 * events that keeps each program's order, breadth first from the machine before the explore.
 * States are identified by a 64-bit hash of everything that decides their future (the machine's
 * {@code stateHash} and where each program stands): two orders that reach the same state are
 * explored once from there, and the interleavings through it are counted, not enumerated.
 *
 * <p>That merge is the reduction: events of different CPUs that commute (touch disjoint state)
 * reach the same state in either order, so only one continuation is searched; and since a merged
 * state is the same state, with the same future, every final state the full search reaches is
 * still reached. Breadth first, the first final state that decides a verdict is reached by a
 * shortest interleaving: that is the witness printed.
 */
public final class Explorer {
  private Explorer() {}

  /** One event of a witness: the program (its CPU), the event's line, and the operations it ran as script text. */
  public record Step(int strand, int cpu, int line, String text) {}

  /**
   * What a search found for one quantified expectation: whether it held, over how many
   * interleavings and distinct states, in how long, and for an exists that held or a never or
   * always that failed, the shortest interleaving that shows it and what it left.
   */
  public record Verdict(Stmt.Expect expect, boolean held, long matching, long interleavings, long states, long nanos,
                 boolean complete, List<Step> witness, String values, List<String> findings, long stuck, boolean interrupted) {
    /** How long the search took (wall time: on stderr, not in the report, which depends only on the script and seed). */
    public String took() { return Format.nanos(nanos); }

    /** The line the report gives after the expectation. */
    String summary() {
      String q = expect.quantifier().keyword();
      StringBuilder b = new StringBuilder();
      b.append(matching).append(" of ").append(interleavings).append(interleavings == 1 ? " interleaving" : " interleavings")
          .append(q.equals("always") ? " hold" : " match").append(", ").append(states).append(states == 1 ? " distinct state" : " distinct states");
      if (stuck > 0) b.append("; ").append(stuck).append(stuck == 1 ? " order" : " orders").append(" could not finish");
      if (interrupted) b.append("; interrupted (Ctrl-C): the verdict is open unless shown");
      else if (!complete) b.append("; stopped at --max-states: the verdict is open");
      return b.toString();
    }
  }

  /** A state of the search: its session until it is expanded, how it was reached, how many interleavings reach it. */
  private static final class Node {
    Session s;
    final Node parent;
    /** The program whose event led here from the parent (-1: the start). */
    final int strand;
    long paths;

    Node(Session s, Node parent, int strand, long paths) {
      this.s = s;
      this.parent = parent;
      this.strand = strand;
      this.paths = paths;
    }

    /** The programs chosen from the start to here, in order. */
    List<Integer> path() {
      List<Integer> out = new ArrayList<>();
      for (Node n = this; n.parent != null; n = n.parent) out.add(0, n.strand);
      return out;
    }
  }

  static Map<Stmt.Expect, Verdict> search(Session start, List<Stmt.Expect> expects, long maxStates) {
    return search(start, expects, maxStates, true, null, () -> false);
  }

  static Map<Stmt.Expect, Verdict> search(Session start, List<Stmt.Expect> expects, long maxStates, boolean merge, java.util.Set<Long> finals) {
    return search(start, expects, maxStates, merge, finals, () -> false);
  }

  /**
   * The search; {@code merge} false explores every interleaving on its own (no state is merged:
   * the unreduced search, for tests), and {@code finals}, when given, receives the key of every
   * final state reached.
   */
  static Map<Stmt.Expect, Verdict> search(Session start, List<Stmt.Expect> expects, long maxStates, boolean merge, java.util.Set<Long> finals,
                                          java.util.function.BooleanSupplier stop) {
    long t0 = System.nanoTime();
    Map<Long, Node> seen = new HashMap<>();
    ArrayDeque<Node> queue = new ArrayDeque<>();
    Node root = new Node(start, null, -1, 1);
    seen.put(merge ? start.exploreKey() : 0L, root);
    queue.add(root);
    int n = expects.size();
    long[] matching = new long[n];
    Node[] witness = new Node[n];
    long interleavings = 0, stuck = 0;
    ScriptError refusal = null;
    boolean complete = true;
    boolean interrupted = false;
    Progress progress = new Progress(t0);
    search:
    while (!queue.isEmpty()) {
      if (stop.getAsBoolean()) {
        complete = false;
        interrupted = true;
        break;
      }
      Node node = queue.poll();
      boolean moved = false, blocked = false;
      if ((seen.size() & 1023) == 0) progress.tick(seen.size(), queue.size(), interleavings);
      for (int i = 0; i < node.s.strands(); i++) {
        if (node.s.strandDone(i)) continue;
        Session next = node.s.copy();
        List<Op> ops;
        try {
          ops = next.exploreStep(i);
        } catch (ScriptError x) {
          // The model refuses the event in this state (a thread that sleeps until another CPU
          // wakes it): not enabled here, so no interleaving takes it now.
          if (!(x.getCause() instanceof SimError)) throw x;
          if (refusal == null) refusal = x;
          blocked = true;
          continue;
        }
        if (ops == null) {   // program i has ended: the same state, with that program known to be done
          node.s = next;
          continue;
        }
        moved = true;
        long key = merge ? next.exploreKey() : seen.size();
        Node old = seen.get(key);
        if (old != null) {
          old.paths += node.paths;
          continue;
        }
        if (seen.size() >= maxStates) {
          complete = false;
          break search;
        }
        Node child = new Node(next, node, i, node.paths);
        seen.put(key, child);
        queue.add(child);
      }
      if (!moved && blocked) {
        stuck += node.paths;   // every remaining event refused: an order that cannot finish
        node.s = null;
        continue;
      }
      if (!moved) {
        interleavings += node.paths;
        if (finals != null) finals.add(node.s.exploreKey());
        for (int e = 0; e < n; e++) {
          boolean holds = node.s.holds(expects.get(e), new StringBuilder());
          if (holds) matching[e] += node.paths;
          boolean decides = switch (expects.get(e).quantifier()) {
            case EXISTS, NEVER -> holds;
            case ALWAYS -> !holds;
          };
          if (decides && witness[e] == null) witness[e] = node;
        }
      }
      node.s = moved ? null : node.s;
    }
    progress.done();
    long nanos = System.nanoTime() - t0;
    if (interleavings == 0 && refusal != null)
      throw new ScriptError(refusal.pos(), "no order of the explore's programs can run to its end: " + refusal.getMessage(), refusal.getCause());
    Map<Stmt.Expect, Verdict> out = new IdentityHashMap<>();
    for (int e = 0; e < n; e++) {
      Stmt.Expect x = expects.get(e);
      boolean held = switch (x.quantifier()) {
        case EXISTS -> matching[e] > 0;
        case NEVER -> matching[e] == 0;
        case ALWAYS -> matching[e] == interleavings;
      };
      Node w = witness[e];
      List<Step> steps = List.of();
      String values = "";
      List<String> findings = new ArrayList<>();
      if (w != null) {
        StringBuilder v = new StringBuilder();
        w.s.holds(x, v);
        values = v.toString();
        steps = witness(start, w.path(), findings);
      }
      out.put(x, new Verdict(x, held && complete || held && x.quantifier() == Stmt.Quantifier.EXISTS, matching[e], interleavings, seen.size(), nanos,
          complete, steps, values, findings, stuck, interrupted));
    }
    return out;
  }

  /**
   * A progress line for searches longer than a second, on a terminal only (System.console():
   * nothing in CI, pipes or files), rewritten in place and cleared at the end.
   */
  private static final class Progress {
    private final long t0;
    private final boolean terminal = System.console() != null;
    private long last;
    private boolean shown;

    Progress(long t0) { this.t0 = t0; }

    void tick(long states, long queued, long interleavings) {
      long now = System.nanoTime();
      if (!terminal || now - t0 < 1_000_000_000L || now - last < 250_000_000L) return;
      last = now;
      shown = true;
      System.err.print("\rkss explore: " + states + " states, " + queued + " to search, " + interleavings + " interleavings finished, "
          + (now - t0) / 1_000_000_000L + " s (Ctrl-C in the REPL stops it)   ");
      System.err.flush();
    }

    void done() {
      if (shown) System.err.print("\r" + " ".repeat(100) + "\r");
    }
  }

  /**
   * The witness run again from the start (the search keeps only which program each step chose):
   * each event as script text with its CPU and line, and into {@code findings} each violation it
   * shows, with its CPU, thread, address and frame.
   */
  private static List<Step> witness(Session start, List<Integer> strands, List<String> findings) {
    Session s = start.copy();
    Machine m = s.machine();
    m.listen(new Probe() {
      @Override public void violation(int cpu, Task thread, long time, Metric kind, long va) {
        long pte = m.kernel().pageTable.pte(va);
        String frame = PageTable.present(pte) ? "the page table maps it to frame " + PageTable.pfn(pte) : "the page table no longer maps it";
        findings.add(kind.key + ": cpu " + cpu + ", thread " + thread + ", address 0x" + Long.toHexString(va) + " (" + frame + "), policy "
            + m.policies().get(thread.policy).name);
      }
    });
    List<Step> steps = new ArrayList<>();
    for (int i : strands) {
      List<Op> ops = s.exploreStep(i);
      steps.add(new Step(i, s.strandCpu(i), s.lastEventOf(i).pos().line(), text(m, ops)));
    }
    return steps;
  }

  /** The operations of one event as statements of a CPU program (the witness script's). */
  static String text(Machine m, List<Op> ops) {
    StringBuilder b = new StringBuilder();
    for (Op op : ops) {
      if (!b.isEmpty()) b.append("; ");
      Task t = op.thread();
      b.append(switch (op) {
        case Op.Fork f -> "fork " + f.name() + (f.parent() != null ? " from " + f.parent() : "") + " as " + f.kind().name().toLowerCase()
            + " policy " + m.policies().get(f.policy()).name;
        case Op.Depth d -> "depth " + t + " " + d.bytes() + " B";
        case Op.Ensure e -> "ensure " + t + " " + e.bytes() + " B";
        case Op.Publish p -> "publish " + t + " at " + p.offset() + " B";
        case Op.Touch x -> "touch " + t + " at " + x.offset() + " B";
        case Op.Spend s -> "advance " + s.ns() + " ns";
        case Op.Wake w -> "wake " + t + (w.cpu() >= 0 ? " on cpu " + w.cpu() : "");
        case Op.Migrate g -> "migrate " + t + " to cpu " + g.cpu();
        default -> op.keyword() + (t != null ? " " + t : "");
      });
    }
    return b.toString();
  }

}
