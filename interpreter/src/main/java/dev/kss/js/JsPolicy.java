package dev.kss.js;

import dev.kss.machine.Kernel;
import dev.kss.machine.Machine;
import dev.kss.machine.SimError;
import dev.kss.machine.cost.CostModel.Primitive;
import dev.kss.machine.metrics.Counter;
import dev.kss.machine.sched.Task;
import dev.kss.machine.stack.KernelStack;
import dev.kss.machine.stack.Policy;
import dev.kss.machine.stack.PolicyConfig;
import dev.kss.machine.stack.PolicyHooks;
import dev.kss.machine.stack.StackOps;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;

/**
 * A stack policy written in JavaScript, attached to a {@link Policy} whose own mechanisms are the
 * base policy's. Each hook point of the policy calls the module's hook of that name if it has one
 * (the hook API is in docs/language.md); a hook it does not define declines, and the base policy's
 * mechanism runs.
 *
 * <p>Safety in the manner of sched_ext (docs.kernel.org/scheduler/sched-ext.html): every request
 * and every return value is validated; an exception, a statement budget exhausted or a decision
 * the model refuses ejects the policy with a reason and a short dump of the state. Whatever it
 * held (free frames, kept stacks) is freed, its threads continue under the base policy, and the
 * report says what happened and where.
 *
 * <p>Snapshots (the REPL's {@code :back}): the Java side (counters, log, kept stacks, frames) is
 * serialized with the model; the JavaScript context is not. A restored copy is ejected with kind
 * {@code restored} at its next hook, so the copy stays consistent and runs on under the base policy.
 */
public final class JsPolicy implements PolicyHooks {
  static final String[] HOOKS = {"init", "alloc", "free", "fault", "enter", "leave", "sleep", "switchOut", "switchIn", "reclaim"};
  private static final int INIT = 0, ALLOC = 1, FREE = 2, FAULT = 3, ENTER = 4, LEAVE = 5, SLEEP = 6, SWITCH_OUT = 7,
      SWITCH_IN = 8, RECLAIM = 9;
  private static final int MAX_LOG = 200;

  final JsSpec spec;
  final Kernel k;
  private final Machine machine;
  private final Policy policy;
  /** The base policy's own shrinker period (0: none), for the reclaim pass after an ejection. */
  private final long baseShrinkerNs;
  private final java.util.random.RandomGenerator random;

  // ---- Java-side state: serialized with the model
  /** Frames it allocated or unmapped and has neither mapped nor freed. */
  private final BitSet frames = new BitSet();
  /**
   * Numbers the prelude reads and writes in place (JsModule), without a call: the module's
   * counters (by number), then the hook-state word (1: a hook runs and no request was refused,
   * so the prelude may count here; 0: counts go through the host, which refuses them), then the
   * depth of the hook's thread. A host array: GraalJS reads and writes its elements in compiled
   * code with nothing in between (an interop ByteBuffer costs two writes of its byte order per access).
   */
  private final double[] doubles;
  private final int nCounters;
  private final Map<String, Integer> counterIndex = new HashMap<>();
  private final List<String> log = new ArrayList<>();
  private int logDropped;
  private long calls;
  private Ejection ejection;
  /** Set by a request the model refused, during a hook call; ejects when the call returns. */
  private Ejection pending;

  // ---- the JavaScript side: not serializable
  private transient Context ctx;
  private transient Value exported;
  /** The module's one entry: calls its hook of the number given (JsModule), -1 forgets stacks. */
  private transient Value dispatch;
  /** The hooks the module has: bit i for hook i. */
  private transient int defined;
  /** Hook calls per budget window (JsEngine.resetEvery), and calls left before the next reset. */
  private transient int resetEvery, untilReset;
  private transient Host host;
  /** The hook's number (then the prelude's answer), its arguments and the stack numbers to forget ({@link #HOOK}...). */
  private transient int[] ints;
  /** The numbers by which the module knows stacks. */
  private transient StackNumbers numbers;
  /** Stack numbers the host forgot (a stack freed and not kept) and the prelude has not: in {@link #ints}, sent in batches. */
  private transient int forgottenCount;
  private transient Supplier<String> where;

  // ---- the hook call in progress
  transient Task current;
  transient int currentCpu;
  private transient int currentHook = -1;
  private transient long[] unflushed = new long[16];
  private transient int unflushedCount;
  /** The threads kss.threads() listed during the hook call (none outside one). */
  private transient List<Task> listed = NONE_LISTED;
  private static final List<Task> NONE_LISTED = List.of();

  private JsPolicy(JsSpec spec, Machine machine, Policy policy, long seed, Supplier<String> where) {
    this.spec = spec;
    this.machine = machine;
    this.k = machine.kernel();
    this.policy = policy;
    this.baseShrinkerNs = spec.reclaimEveryNs() > 0 ? 0 : policy.config.shrinkerEveryNs;
    this.random = new dev.kss.run.SplitMix(seed ^ (spec.policy().hashCode() * 0x9e3779b97f4a7c15L));
    this.nCounters = spec.counters().size();
    this.doubles = sharedDoubles(nCounters);
    for (int i = 0; i < nCounters; i++) counterIndex.put(spec.counters().get(i), i);
    this.where = where;
  }

  /**
   * Loads the module for {@code policy} (a policy the machine defined from the base's settings) and
   * attaches it. {@code where} names the .kss event running now, for messages.
   */
  public static JsPolicy attach(JsSpec spec, Machine machine, Policy policy, long seed, Supplier<String> where) {
    JsPolicy p = new JsPolicy(spec, machine, policy, seed, where);
    p.start();
    policy.attach(p);
    return p;
  }

  /** "GraalVM CE" when GraalJS has its optimizing runtime, "Interpreted" without it. */
  public static String runtime() { return JsEngine.runtime(); }

  /** The JS policy attached to {@code p}, or null. */
  public static JsPolicy of(Policy p) { return p.hooks() instanceof JsPolicy j ? j : null; }

  private void start() {
    numbers = new StackNumbers(k);
    host = new Host(this, k.cpus.length, k.memory.nodes());
    ints = sharedInts();
    try {
      resetEvery = JsEngine.resetEvery(spec.budget());
      ctx = JsEngine.context(spec.budget() * resetEvery);
      JsModule.Loaded m = JsModule.load(ctx, spec, host, doubles, ints);
      exported = m.exported();
      dispatch = m.dispatch();
      defined = m.hooks();
    } catch (JsModule.LoadError e) {
      if (pending == null) pending = ejection("error", "load", e.getMessage(), e.js);
    }
    if (pending != null) { finishEjection(); return; }
    if (wants(INIT)) call(INIT, null, 0);
  }

  /** {@link #doubles} for {@code n} counters: the counters, the hook-state word, the depth. */
  static double[] sharedDoubles(int n) { return new double[n + 2]; }

  /** {@link #ints}: the hook's number, its arguments, up to {@link #FORGET_BATCH} stack numbers to forget. */
  static int[] sharedInts() { return new int[FORGOTTEN + FORGET_BATCH]; }

  /**
   * The places in {@link #ints}: the hook's number (then the prelude's answer), the thread's id,
   * its cpu << 10 | node << 4 | flags, its stack's number and pages, the hook's extra argument,
   * the thread's depth in pages, then the stack numbers to forget. Besides the hooks' numbers, the
   * prelude knows FORGET (the stacks listed) and DESCRIBE (answers what the last hook returned
   * when the answer was WRONG).
   */
  private static final int HOOK = 0, ID = 1, WHERE = 2, STACK = 3, PAGES = 4, EXTRA = 5, DEPTH_PAGES = 6, FORGOTTEN = 7, FORGET = -1, DESCRIBE = -2;
  /** Answers: no stack (alloc), a stack object the prelude dropped as freed, a value of the wrong kind; and the call ejected. */
  private static final int NONE = -1, FREED = -2, WRONG = -3, EJECTED = Integer.MIN_VALUE;

  private double counter(int i) { return doubles[i]; }

  /** Lets the prelude count in place (1) or not (0: no hook runs, or a request was refused). */
  private void countable(boolean ok) { doubles[nCounters] = ok ? 1 : 0; }

  private static final int FORGET_BATCH = 64;

  /**
   * Forgets stack {@code s}'s number (it is being freed, not kept, and the module was not asked):
   * the host at once, the prelude with the next batch (which drops its stack object); only
   * then may the number name another stack.
   */
  private void forget(KernelStack s) {
    int id = numbers.forget(s);
    if (id == 0) return;
    ints[FORGOTTEN + forgottenCount++] = id;
    if (forgottenCount < FORGET_BATCH) return;
    forgottenCount = 0;   // the batch's room is free again, whether or not the prelude can be told
    if (ctx == null || ejection != null) return;
    try {
      ctx.resetLimits();
      untilReset = resetEvery;
      ints[HOOK] = FORGET;
      ints[ID] = FORGET_BATCH;
      dispatch.executeVoid();
      for (int i = 0; i < FORGET_BATCH; i++) numbers.reuse(ints[FORGOTTEN + i]);
    } catch (PolyglotException e) {
      eject("error", "free", "internal error forgetting freed stacks: " + e.getMessage(), null);
    }
  }

  // ---------------------------------------------------------------- hook points

  @Override public KernelStack allocate(Task t, int cpu) {
    if (!wants(ALLOC)) return null;
    int id = callThread(ALLOC, t, cpu, 0);   // a stack's number, NONE, FREED or WRONG
    if (id == EJECTED) return null;
    if (id == NONE) {
      PolicyConfig c = policy.config;
      if (c.cache == PolicyConfig.CacheKind.NONE || c.cacheSize == 0) k.metrics.inc(policy.id, Counter.CACHE_MISSES);
      return null;
    }
    StackView v = numbers.get(id);
    if (v == null && id > 0 || id == FREED) {   // a number forgotten here and not yet by the prelude, or a stack object it dropped as freed
      reject(ALLOC, "alloc returned " + (id > 0 ? "stack " + id : "a stack") + ", which it does not keep (it was freed)");
      return null;
    }
    if (v == null || !numbers.take(v)) {
      reject(ALLOC, v == null ? "alloc returned " + described() + ", expected a stack it keeps or null"
          : "alloc returned stack " + v.id + ", which it does not keep (" + (v.stack.live() ? "a live thread owns it" : "it was freed") + ")");
      return null;
    }
    return v.stack;
  }

  @Override public boolean release(KernelStack s, int cpu) {
    if (s.policy != policy) return false;
    if (!wants(FREE)) {
      forget(s);   // the stack is freed: its number goes
      return false;
    }
    StackView v = numbers.of(s);
    ints[STACK] = v.id;
    ints[PAGES] = s.pages;
    ints[EXTRA] = cpu;
    int r = call(FREE, null, cpu);   // 1 (kept), 0 or WRONG; the prelude forgets the stack unless kept
    if (r != 1) {
      // Freed, not kept (the prelude has forgotten it already: its number may name another stack), or ejected.
      int id = numbers.forget(s);
      if (id != 0 && r != EJECTED) numbers.reuse(id);
      if (r == WRONG) return reject(FREE, "free returned " + described() + ", expected true (keep the stack) or false");
      return false;
    }
    numbers.keep(v, cpu);
    k.charge(Primitive.CACHE_OP);
    StackOps.keep(k, s);
    return true;
  }

  @Override public boolean fault(Task t, int p) {
    if (!wants(FAULT)) return false;
    int r = callThread(FAULT, t, t.cpu, p);   // 1, 0 or WRONG
    if (r == WRONG) return reject(FAULT, "fault returned " + described() + ", expected true (page mapped) or false");
    if (r != 1) return false;
    if (!t.stack.isMapped(p)) return reject(FAULT, "fault returned true but page " + p + " of " + t + "'s stack is still unmapped");
    return true;
  }

  @Override public boolean enter(Task t) { return wants(ENTER) && callThread(ENTER, t, t.cpu, 0) != EJECTED; }
  @Override public boolean leave(Task t) { return wants(LEAVE) && callThread(LEAVE, t, t.cpu, 0) != EJECTED; }
  @Override public boolean sleep(Task t) { return wants(SLEEP) && callThread(SLEEP, t, t.cpu, 0) != EJECTED; }
  @Override public boolean switchOut(Task t, int cpu) { return wants(SWITCH_OUT) && callThread(SWITCH_OUT, t, cpu, cpu) != EJECTED; }
  @Override public boolean switchIn(Task t, int cpu) { return wants(SWITCH_IN) && callThread(SWITCH_IN, t, cpu, cpu) != EJECTED; }

  @Override public boolean reclaim() {
    if (wants(RECLAIM) && call(RECLAIM, null, 0) != EJECTED) return true;
    return ejection != null && baseShrinkerNs == 0;   // the shrinker was the module's: none after it
  }

  @Override public void forEachHeld(BiConsumer<Integer, KernelStack> v) { numbers.forEachKept(v); }

  /**
   * Whether hook point {@code hook} calls the module: it defines the hook, was not ejected, and no
   * hook is running (a hook's own requests never call hooks). Checked before the arguments are
   * built, so a hook the module does not define costs one array read.
   */
  private boolean wants(int hook) {
    if (ejection != null) return false;
    if (ctx == null) { eject("restored", HOOKS[hook], "this is a restored copy of the session: the module's JavaScript state could not come along", null); return false; }
    return (defined & 1 << hook) != 0 && currentHook < 0;
  }

  /**
   * Calls a hook whose first argument is thread {@code t}: the prelude builds the thread object
   * from numbers written into {@link #ints} and {@link #doubles} (its id, cpu, node and flags packed
   * in one int, its stack's number and pages, its depth in bytes and in pages), so that no host
   * object crosses, the call has no arguments, and the hook reads plain JavaScript properties.
   * {@code extra}: the hook's second argument. (A CPU number takes 12 bits, MachineConfig.MAX_CPUS;
   * a node 6, up to 64.)
   */
  private int callThread(int hook, Task t, int cpu, int extra) {
    KernelStack s = t.stack;
    int bits = (t.kind == dev.kss.machine.sched.ThreadKind.KERNEL ? 1 : 0) | (t.inKernel ? 2 : 0)
        | (t.state == Task.State.SLEEPING ? 4 : 0) | (t.atomic() ? 8 : 0);
    int[] a = ints;
    a[ID] = t.id;
    a[WHERE] = t.cpu << 10 | k.memory.nodeOf(t.cpu) << 4 | bits;
    a[STACK] = s == null ? 0 : numbers.of(s).id;
    a[PAGES] = s == null ? 0 : s.pages;
    a[EXTRA] = extra;
    a[DEPTH_PAGES] = s == null ? 0 : KernelStack.pagesFor(s.depth);
    doubles[nCounters + 1] = s == null ? 0 : s.depth;
    return call(hook, t, cpu);
  }

  /**
   * Calls hook {@code hook} (after {@link #wants}): the prelude's answer, a number it leaves in
   * {@link #ints} (so that the call converts nothing either way; JsModule), or {@link #EJECTED} when the
   * call ejected the module (the built-in mechanism runs).
   */
  private int call(int hook, Task t, int cpu) {
    current = t;
    currentCpu = cpu;
    currentHook = hook;
    calls++;
    countable(true);
    try {
      // The statement budget: reset once per window of RESET_EVERY calls, the limit being the window's
      // total (JsEngine.context); a reset enters the context, which costs about as much as the call.
      if (--untilReset <= 0) {
        ctx.resetLimits();
        untilReset = resetEvery;
      }
      ints[HOOK] = hook;
      dispatch.executeVoid();
      if (pending != null) { finishEjection(); return EJECTED; }
      return ints[HOOK];
    } catch (PolyglotException e) {
      if (pending != null) {
        // A refused request: the guest frame that made it says where.
        Ejection p = pending;
        if (p.js() == null) pending = new Ejection(p.kind(), p.hook(), p.reason(), location(e), p.at(), p.timeNs(), p.dump());
        finishEjection();
        return EJECTED;
      }
      eject(isBudget(e) ? "budget" : "error", HOOKS[hook], message(e, spec.budget(), resetEvery), location(e));
      return EJECTED;
    } catch (RuntimeException e) {
      // A fault of our own while the hook ran: the model is consistent (each request is one step).
      eject("error", HOOKS[hook], "internal error during the hook: " + e, null);
      return EJECTED;
    } finally {
      countable(false);
      current = null;
      currentHook = -1;
      unflushedCount = 0;
      if (listed != NONE_LISTED) listed = NONE_LISTED;
    }
  }

  /** What the last hook returned instead of a value of its kind (the prelude's description of it). */
  private String described() {
    try {
      ints[HOOK] = DESCRIBE;
      return dispatch.execute().asString();
    } catch (PolyglotException | UnsupportedOperationException | ClassCastException e) {
      return "a value of the wrong kind";
    }
  }

  /** A refused return value: ejects (the hook's call has returned) and declines. */
  private boolean reject(int hook, String why) {
    eject("invalid", HOOKS[hook], why, null);
    return false;
  }

  // ---------------------------------------------------------------- requests (through Host)

  /** The name of live thread {@code id} (a thread object's {@code name}, read when the hook reads it). */
  String threadName(int id) {
    if (current != null && current.id == id) return current.name;
    for (Task t : machine.liveTasks()) if (t.id == id) return t.name;
    throw new IllegalArgumentException("thread " + id + " has exited: read a thread's name while it lives");
  }

  int nodeOf(int cpu) {
    if (cpu < 0 || cpu >= k.cpus.length) throw refuse("cpu " + cpu + " does not exist (cpus 0 to " + (k.cpus.length - 1) + ")");
    return k.memory.nodeOf(cpu);
  }

  int allocFrame(int node) {
    active();
    if (node >= k.memory.nodes()) throw refuse("node " + node + " does not exist (nodes 0 to " + (k.memory.nodes() - 1) + ")");
    // The first CPU of the node allocates: PhysicalMemory spreads CPUs over nodes in equal runs.
    int cpu = node < 0 ? currentCpu : (int) (((long) node * k.cpus.length + k.memory.nodes() - 1) / k.memory.nodes());
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
    k.memory.free(pfn, 0, currentCpu);
    k.charge(Primitive.PAGE_FREE);
  }

  void map(int id, int page, int pfn) {
    KernelStack s = ours(id, "map", page);
    if (s.isMapped(page)) throw refuse("map: page " + page + " of stack " + id + " is already mapped");
    if (pfn < 0 || !frames.get(pfn))
      throw refuse("map: frame " + pfn + " is not a free frame of this policy (take one from kss.allocFrame() or kss.unmap())");
    frames.clear(pfn);
    StackOps.map(k, s, page, pfn, currentCpu);
  }

  int unmap(int id, int page) {
    KernelStack s = ours(id, "unmap", page);
    if (!s.isMapped(page)) throw refuse("unmap: page " + page + " of stack " + id + " is not mapped");
    if (s.live()) {
      Task owner = owner(s);
      if (owner != null && owner.inKernel && page < Math.max(1, KernelStack.pagesFor(s.depth)))
        throw refuse("unmap: page " + page + " of " + owner + "'s stack is in use (depth " + s.depth + " bytes)");
    }
    int pfn = StackOps.unmap(k, s, page);
    frames.set(pfn);
    if (unflushedCount == unflushed.length) unflushed = java.util.Arrays.copyOf(unflushed, unflushedCount * 2);
    unflushed[unflushedCount++] = s.pageVa(page);
    return pfn;
  }

  /** Invalidates the pages unmapped since the last call: "local", "broadcast", "invlpgb", or "" for the base policy's. */
  int invalidate(String mode) {
    active();
    PolicyConfig.Invalidate m = switch (mode == null ? "" : mode) {
      case "" -> policy.config.invalidate;
      case "local" -> PolicyConfig.Invalidate.LOCAL;
      case "broadcast" -> PolicyConfig.Invalidate.BROADCAST;
      case "invlpgb" -> PolicyConfig.Invalidate.INVLPGB;
      default -> throw refuse("invalidate: unknown mode '" + mode + "', expected local, broadcast or invlpgb");
    };
    int n = unflushedCount;
    k.mmu.invalidate(k.cpus[currentCpu], unflushed, n, m, policy.id);
    unflushedCount = 0;
    return n;
  }

  void count(String name, double n) {
    active();
    Integer i = counterIndex.get(name);
    if (i == null) throw refuse("count: '" + name + "' is not one of the module's counters " + spec.counters());
    countAt(i, n);
  }

  /** {@link #count} by the counter's number (its place in {@code counters}): the prelude looks the name up. */
  void countAt(int i, double n) {
    active();
    if (i < 0 || i >= nCounters) throw refuse("count: no counter number " + i);
    if (!Double.isFinite(n)) throw refuse("count: " + n + " is not a number");
    doubles[i] += n;
  }

  double random() { return random.nextDouble(); }

  void log(String line) {
    if (log.size() >= MAX_LOG) { logDropped++; return; }
    String at = where();
    log.add("[" + dev.kss.run.Format.nanos(k.now) + (at != null ? " " + at : "") + "] " + (line.length() > 300 ? line.substring(0, 300) + "..." : line));
  }

  int listThreads() {
    List<Task> mine = new ArrayList<>();
    for (Task t : machine.liveTasks()) if (t.policy == policy) mine.add(t);
    listed = mine;
    return mine.size();
  }

  ThreadView threadAt(int i) {
    if (i < 0 || i >= listed.size()) throw refuse("threadAt(" + i + ") is out of range");
    return view(listed.get(i));
  }

  ThreadView view(Task t) { return new ThreadView(t, k.memory.nodeOf(t.cpu), t.stack == null ? null : numbers.of(t.stack)); }

  /** Stacks the host knows by number now (for the tests: it does not grow with churn). */
  int stacksKnown() { return numbers.known(); }

  /** The stack the module names by {@code id} (a number the prelude's stack objects carry), or null. */
  StackView stackById(int id) { return numbers.get(id); }

  /** A request only makes sense inside a hook call, before an ejection. */
  private void active() {
    if (pending != null) throw new Refused(pending.reason());
    if (currentHook < 0) throw refuse("kss may only be used while a hook runs");
  }

  /** The stack the module names by {@code id} for request {@code op} on {@code page}, if it may. */
  private KernelStack ours(int id, String op, int page) {
    active();
    StackView v = numbers.get(id);
    if (v == null) throw refuse(op + (id == -2 || id > 0 ? ": the stack was freed" : ": no stack given"));
    KernelStack s = v.stack;
    if (s.policy != policy) throw refuse(op + ": stack " + v.id + " belongs to policy " + s.policy.name);
    if (!s.live() && v.keptOn < 0) throw refuse(op + ": stack " + v.id + " is neither a live thread's nor kept by the policy");
    if (s.directMapped) throw refuse(op + ": stack " + v.id + " is direct-mapped (backing " + policy.config.backing.name().toLowerCase() + "): it has no pages of its own");
    if (page < 0 || page >= s.pages) throw refuse(op + ": page " + page + " is outside the stack (pages 0 to " + (s.pages - 1) + ")");
    return s;
  }

  private Task owner(KernelStack s) {
    if (current != null && current.stack == s) return current;
    for (Task t : machine.liveTasks()) if (t.stack == s) return t;
    return null;
  }

  // ---------------------------------------------------------------- ejection

  /** A request the model refuses: the policy is ejected when the hook returns, whatever the hook does with the exception. */
  private Refused refuse(String why) {
    if (pending == null) pending = ejection("invalid", currentHook >= 0 ? HOOKS[currentHook] : "-", why, null);
    countable(false);   // the prelude's counts go through the host again, which refuses them
    return new Refused(why);
  }

  /** Thrown into the guest by a refused request. */
  static final class Refused extends RuntimeException {
    // A stack trace, so that the polyglot stack trace has the guest frames (the location).
    Refused(String why) { super(why); }
  }

  private void eject(String kind, String hook, String why, String js) {
    if (ejection != null) return;
    pending = ejection(kind, hook, why, js);
    finishEjection();
  }

  private Ejection ejection(String kind, String hook, String why, String js) {
    return new Ejection(kind, hook, why, js, where(), k.now, dump());
  }

  /** Frees what the module held and stops calling it; its threads carry on under the base policy. */
  private void finishEjection() {
    ejection = pending;
    pending = null;
    if (unflushedCount > 0) {
      // Pages it unmapped without invalidating: flush them as the base policy would.
      k.mmu.invalidate(k.cpus[currentCpu], unflushed, unflushedCount, policy.config.invalidate, policy.id);
      unflushedCount = 0;
    }
    for (int pfn = frames.nextSetBit(0); pfn >= 0; pfn = frames.nextSetBit(pfn + 1)) {
      k.memory.free(pfn, 0, currentCpu);
      k.charge(Primitive.PAGE_FREE);
    }
    frames.clear();
    List<Map.Entry<KernelStack, Integer>> kept = numbers.keptStacks();
    numbers.clear();
    for (Map.Entry<KernelStack, Integer> e : kept) StackOps.dispose(k, e.getKey(), e.getValue());
    if (ctx != null) {
      try { ctx.close(true); } catch (RuntimeException ignored) { /* closing a cancelled context */ }
    }
    ctx = null;
    exported = null;
    dispatch = null;
    forgottenCount = 0;
  }

  /** The state that matters, in a few lines (the thread of the hook, what the module holds). */
  private List<String> dump() {
    List<String> d = new ArrayList<>();
    Task t = current;
    if (t != null) {
      StringBuilder m = new StringBuilder();
      if (t.stack != null) for (int p = 0; p < t.stack.pages; p++) m.append(t.stack.isMapped(p) ? '#' : '.');
      d.add("thread " + t + ": cpu " + t.cpu + ", " + t.state.name().toLowerCase() + (t.inKernel ? ", in the kernel" : ", in user mode")
          + (t.atomic() ? ", atomic" : "") + (t.stack != null ? ", depth " + t.stack.depth + " bytes, pages [" + m + "] (# mapped, top first)" : ""));
    }
    Map<Integer, Integer> perCpu = new java.util.TreeMap<>();
    numbers.forEachKept((cpu, s) -> perCpu.merge(cpu, 1, Integer::sum));
    d.add("kept stacks " + numbers.kept() + (perCpu.isEmpty() ? "" : " " + perCpu) + ", free frames held " + frames.cardinality()
        + ", unmapped pages not yet invalidated " + unflushedCount);
    if (nCounters > 0) {
      StringBuilder c = new StringBuilder("counters");
      for (int i = 0; i < nCounters; i++) c.append(i == 0 ? " " : ", ").append(spec.counters().get(i)).append(' ').append(dev.kss.check.Values.number(counter(i)));
      d.add(c.toString());
    }
    d.add("hook calls " + calls + ", statement budget per call " + spec.budget() + (resetEvery > 1 ? " (reset every " + resetEvery + " calls)" : ""));
    return d;
  }

  private String where() {
    try {
      return where == null ? null : where.get();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The first JavaScript frame of the error: {@code file.js:LINE:COL}. */
  static String location(PolyglotException e) {
    org.graalvm.polyglot.SourceSection s = e.getSourceLocation();
    if (s == null || !s.isAvailable() || JsEngine.isPrelude(s.getSource())) {
      s = null;
      for (PolyglotException.StackFrame f : e.getPolyglotStackTrace()) {
        org.graalvm.polyglot.SourceSection l = f.getSourceLocation();
        if (f.isGuestFrame() && l != null && l.isAvailable() && !JsEngine.isPrelude(l.getSource())) { s = l; break; }
      }
    }
    if (s == null || !s.isAvailable()) return null;
    return s.getSource().getName() + ":" + s.getStartLine() + ":" + s.getStartColumn();
  }

  /** The statement limit stopped the hook (ResourceLimits cancels the context). */
  static boolean isBudget(PolyglotException e) {
    return e.isCancelled() || e.isResourceExhausted() && !e.isGuestException() && String.valueOf(e.getMessage()).contains("tatement");
  }

  static String message(PolyglotException e, long budget, int window) {
    if (isBudget(e))
      return window > 1
          ? "the hook calls of its window ran more than " + window + " x " + budget + " statements (its budget of " + budget
              + " per call, enforced over " + window + " calls; an endless loop?)"
          : "the hook ran more than " + budget + " statements (its budget; an endless loop?)";
    if (e.isHostException() && e.asHostException() instanceof Refused r) return r.getMessage();
    if (e.isResourceExhausted()) return "out of resources: " + e.getMessage();
    return String.valueOf(e.getMessage());
  }

  // ---------------------------------------------------------------- what the report shows

  public Ejection ejection() { return ejection; }
  public List<String> log() { return log; }
  public int logDropped() { return logDropped; }
  public long calls() { return calls; }

  /** {@code NAME.js.X}: a declared counter, or frames_held, stacks_held, calls, ejected, exit. */
  public Object metric(String name) {
    Integer i = counterIndex.get(name);
    if (i != null) return counter(i);
    return switch (name) {
      case "frames_held" -> (double) frames.cardinality();
      case "stacks_held" -> (double) numbers.kept();
      case "calls" -> (double) calls;
      case "ejected" -> ejection == null ? 0.0 : 1.0;
      case "exit" -> ejection == null ? "none" : ejection.kind();
      default -> throw new IllegalArgumentException("no JS metric " + name);
    };
  }

  /** The metrics every JS policy has, besides its own counters; {@code exit} is text, the others counts. */
  public static final List<String> BUILTIN_METRICS = List.of("frames_held", "stacks_held", "calls", "ejected", "exit");

  /** The stacks the module keeps are written after the fields (the numbers are the hooks', not the model's). */
  private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
    out.defaultWriteObject();
    List<Map.Entry<KernelStack, Integer>> kept = numbers.keptStacks();
    out.writeInt(kept.size());
    for (Map.Entry<KernelStack, Integer> e : kept) {
      out.writeObject(e.getKey());
      out.writeInt(e.getValue());
    }
  }

  private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
    in.defaultReadObject();
    numbers = new StackNumbers(k);
    for (int i = in.readInt(); i > 0; i--) {
      KernelStack s = (KernelStack) in.readObject();
      numbers.keep(numbers.of(s), in.readInt());
    }
    ints = sharedInts();
    unflushed = new long[16];
    listed = NONE_LISTED;
    currentHook = -1;
    // ctx stays null: the next hook call ejects the copy (kind "restored").
  }
}
