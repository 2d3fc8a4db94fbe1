package dev.kss.js;

import dev.kss.machine.base.SimError;
import dev.kss.machine.base.State;
import dev.kss.machine.cost.CostModel.Primitive;
import dev.kss.machine.mem.KernelStack;
import dev.kss.machine.sched.Task;
import dev.kss.machine.stack.Kernel;
import dev.kss.machine.stack.StackOps;
import dev.kss.machine.tlb.Invalidate;
import dev.kss.run.Format;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * What a JS policy's module asks of the host (through {@link Host}), each request validated before
 * the model carries it out: a request the model refuses ejects the policy when the hook returns
 * ({@link JsEjection#refuse}), whatever the module does with the exception it gets.
 */
final class JsRequests {
  private static final int MAX_LOG = 200;

  private final JsPolicy p;
  private final Kernel k;
  /** Frames it allocated or unmapped and has neither mapped nor freed. */
  final BitSet frames;
  final List<String> log;
  int logDropped;
  /** Pages it unmapped and has not invalidated yet, this hook call. */
  long[] unflushed = new long[16];
  int unflushedCount;
  /** The threads kss.threads() listed during the hook call (none outside one). */
  private List<Task> listed = NONE_LISTED;
  private static final List<Task> NONE_LISTED = List.of();

  JsRequests(JsPolicy p) {
    this.p = p;
    this.k = p.k;
    this.frames = new BitSet();
    this.log = new ArrayList<>();
  }

  private JsRequests(JsRequests o, JsPolicy p) {
    this.p = p;
    this.k = p.k;
    frames = (BitSet) o.frames.clone();
    log = new ArrayList<>(o.log);
    logDropped = o.logDropped;
  }

  JsRequests copy(JsPolicy p) { return new JsRequests(this, p); }

  /** A hook call is over: what it listed and left unflushed goes. */
  void callEnded() {
    unflushedCount = 0;
    if (listed != NONE_LISTED) listed = NONE_LISTED;
  }

  int framesHeld() { return frames.cardinality(); }

  void state(State s) { s.put(frames.toLongArray(), 0, frames.toLongArray().length); }

  private RuntimeException refuse(String why) { return p.ejection.refuse(why); }

  /** A request only makes sense inside a hook call, before an ejection. */
  private void active() {
    if (p.ejection.pending()) throw new JsEjection.Refused(p.ejection.pendingReason());
    if (p.currentHook < 0) throw refuse("kss may only be used while a hook runs");
  }

  // ---------------------------------------------------------------- the machine, read

  double now() { return k.now(); }

  int cpu() { return p.currentCpu; }

  double freeFrames() { return k.memory.freeFrames(); }

  double totalFrames() { return k.memory.totalFrames(); }

  /** The name of live thread {@code id} (a thread object's {@code name}, read when the hook reads it). */
  String threadName(int id) {
    if (p.current != null && p.current.id == id) return p.current.name;
    for (Task t : k.scheduler.live()) if (t.id == id) return t.name;
    throw new IllegalArgumentException("thread " + id + " has exited: read a thread's name while it lives");
  }

  int nodeOf(int cpu) {
    if (cpu < 0 || cpu >= k.cpus()) throw refuse("cpu " + cpu + " does not exist (cpus 0 to " + (k.cpus() - 1) + ")");
    return k.memory.nodeOf(cpu);
  }

  ThreadView thread() { return p.current == null ? null : view(p.current); }

  int listThreads() {
    List<Task> mine = new ArrayList<>();
    for (Task t : k.scheduler.live()) if (t.policy == p.policy.id) mine.add(t);
    listed = mine;
    return mine.size();
  }

  ThreadView threadAt(int i) {
    if (i < 0 || i >= listed.size()) throw refuse("threadAt(" + i + ") is out of range");
    return view(listed.get(i));
  }

  ThreadView view(Task t) { return new ThreadView(t, k.memory.nodeOf(t.cpu), t.stack == null ? null : p.numbers.of(t.stack)); }

  /** The stack the module names by {@code id} (a number the prelude's stack objects carry), or null. */
  StackView stackById(int id) { return p.numbers.get(id); }

  // ---------------------------------------------------------------- frames and pages

  int allocFrame(int node) {
    active();
    if (node >= k.memory.nodes()) throw refuse("node " + node + " does not exist (nodes 0 to " + (k.memory.nodes() - 1) + ")");
    int cpu = node < 0 ? p.currentCpu : k.memory.numa().firstCpuOf(node);
    try {
      int pfn = k.memory.alloc(0, cpu);
      k.charge(Primitive.PAGE_ALLOC);
      frames.set(pfn);
      return pfn;
    } catch (SimError oom) {
      return -1;
    }
  }

  void freeFrame(int pfn) {
    active();
    if (pfn < 0 || !frames.get(pfn)) throw refuse("freeFrame(" + pfn + "): not a free frame of this policy");
    frames.clear(pfn);
    k.memory.free(pfn, 0, p.currentCpu);
    k.charge(Primitive.PAGE_FREE);
  }

  void map(int id, int page, int pfn) {
    KernelStack s = ours(id, "map", page);
    if (s.isMapped(page)) throw refuse("map: page " + page + " of stack " + id + " is already mapped");
    if (pfn < 0 || !frames.get(pfn))
      throw refuse("map: frame " + pfn + " is not a free frame of this policy (take one from kss.allocFrame() or kss.unmap())");
    frames.clear(pfn);
    StackOps.map(k, s, page, pfn, p.currentCpu);
  }

  int unmap(int id, int page) {
    KernelStack s = ours(id, "unmap", page);
    if (!s.isMapped(page)) throw refuse("unmap: page " + page + " of stack " + id + " is not mapped");
    if (s.live()) {
      Task owner = owner(s);
      if (owner != null && owner.inKernel && page < Math.max(1, KernelStack.pagesFor(s.depth)))
        throw refuse("unmap: page " + page + " of " + owner + "'s stack is in use (depth " + s.depth + " bytes)");
    }
    int pfn = StackOps.unmap(k, s, page, p.currentCpu);
    frames.set(pfn);
    if (unflushedCount == unflushed.length) unflushed = Arrays.copyOf(unflushed, unflushedCount * 2);
    unflushed[unflushedCount++] = s.pageVa(page);
    return pfn;
  }

  /** Invalidates the pages unmapped since the last call: "local", "broadcast", "invlpgb", or "" for the base policy's. */
  int invalidate(String mode) {
    active();
    Invalidate m = switch (mode == null ? "" : mode) {
      case "" -> p.policy.config.invalidate;
      case "local" -> Invalidate.LOCAL;
      case "broadcast" -> Invalidate.BROADCAST;
      case "invlpgb" -> Invalidate.INVLPGB;
      default -> throw refuse("invalidate: unknown mode '" + mode + "', expected local, broadcast or invlpgb");
    };
    int n = unflushedCount;
    flushUnflushed(m);
    return n;
  }

  /** Invalidates the pages unmapped and not yet invalidated, as {@code mode} says. */
  void flushUnflushed(Invalidate mode) {
    k.mmu.invalidate(p.currentCpu, unflushed, unflushedCount, mode, p.policy.id, p.current);
    unflushedCount = 0;
  }

  /** Frees every frame it holds (its ejection). */
  void freeFrames(int cpu) {
    for (int pfn = frames.nextSetBit(0); pfn >= 0; pfn = frames.nextSetBit(pfn + 1)) {
      k.memory.free(pfn, 0, cpu);
      k.charge(Primitive.PAGE_FREE);
    }
    frames.clear();
  }

  // ---------------------------------------------------------------- counters, random, log

  void count(String name, double n) {
    active();
    Integer i = p.counterIndex.get(name);
    if (i == null) throw refuse("count: '" + name + "' is not one of the module's counters " + p.spec.counters());
    countAt(i, n);
  }

  /** {@link #count} by the counter's number (its place in {@code counters}): the prelude looks the name up. */
  void countAt(int i, double n) {
    active();
    if (i < 0 || i >= p.nCounters) throw refuse("count: no counter number " + i);
    if (!Double.isFinite(n)) throw refuse("count: " + n + " is not a number");
    p.doubles[i] += n;
  }

  double random() { return p.random.nextDouble(); }

  void log(String line) {
    if (log.size() >= MAX_LOG) { logDropped++; return; }
    String at = p.where();
    log.add("[" + Format.nanos(k.now()) + (at != null ? " " + at : "") + "] " + (line.length() > 300 ? line.substring(0, 300) + "..." : line));
  }

  // ---------------------------------------------------------------- which stacks it may touch

  /** The stack the module names by {@code id} for request {@code op} on {@code page}, if it may. */
  private KernelStack ours(int id, String op, int page) {
    active();
    StackView v = p.numbers.get(id);
    if (v == null) throw refuse(op + (id == CallLayout.FREED || id > 0 ? ": the stack was freed" : ": no stack given"));
    KernelStack s = v.stack;
    if (s.policy != p.policy.id) throw refuse(op + ": stack " + v.id + " belongs to policy " + k.policy(s.policy).name);
    if (!s.live() && v.keptOn < 0) throw refuse(op + ": stack " + v.id + " is neither a live thread's nor kept by the policy");
    if (s.directMapped) throw refuse(op + ": stack " + v.id + " is direct-mapped (backing " + p.policy.config.backing.name().toLowerCase() + "): it has no pages of its own");
    if (page < 0 || page >= s.pages) throw refuse(op + ": page " + page + " is outside the stack (pages 0 to " + (s.pages - 1) + ")");
    return s;
  }

  private Task owner(KernelStack s) {
    if (p.current != null && p.current.stack == s) return p.current;
    for (Task t : k.scheduler.live()) if (t.stack == s) return t;
    return null;
  }
}
