package dev.kss.js;

import static dev.kss.js.CallLayout.*;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kss.machine.base.Copier;
import dev.kss.machine.base.State;
import dev.kss.machine.cost.CostModel.Primitive;
import dev.kss.machine.mem.KernelStack;
import dev.kss.machine.metrics.Metric;
import dev.kss.machine.sched.Task;
import dev.kss.machine.sched.ThreadKind;
import dev.kss.machine.stack.Kernel;
import dev.kss.machine.stack.Policy;
import dev.kss.machine.stack.PolicyConfig;
import dev.kss.machine.stack.PolicyHooks;
import dev.kss.machine.stack.StackOps;
import dev.kss.run.AttachedHooks;
import dev.kss.run.SplitMix;
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
 * base policy's: the hook points. Each hook point of the policy calls the module's hook of that
 * name if it has one (the hook API is in docs/language.md); a hook it does not define declines, and
 * the base policy's mechanism runs. What the module asks of the host is {@link JsRequests}; what
 * happens when it misbehaves is {@link JsEjection}.
 *
 * <p>Copies (the REPL's {@code :back}, Machine.copy): the Java side (counters, log, kept stacks,
 * frames) is copied with the model; the JavaScript context is not. A copy is ejected with kind
 * {@code restored} at its next hook, so it stays consistent and runs on under the base policy.
 */
final class JsPolicy implements PolicyHooks, AttachedHooks {
  final JsSpec spec;
  final Kernel k;
  final Policy policy;
  /** The base policy's own shrinker period (0: none), for the reclaim pass after an ejection. */
  final long baseShrinkerNs;
  final SplitMix random;
  /**
   * Numbers the prelude reads and writes in place, without a call (CallLayout.doubles): the
   * module's counters, the hook-state word, the depth of the hook's thread. A host array: GraalJS
   * reads and writes its elements in compiled code with nothing in between.
   */
  final double[] doubles;
  final int nCounters;
  final Map<String, Integer> counterIndex;
  final JsRequests requests;
  final JsEjection ejection;
  long calls;
  /** The numbers by which the module knows stacks. */
  final StackNumbers numbers;
  /** The hook's number (then the prelude's answer), its arguments and the stack numbers to forget (CallLayout). */
  final int[] ints = new int[INTS];
  /** Stack numbers the host forgot (a stack freed and not kept) and the prelude has not: in {@link #ints}, sent in batches. */
  private int forgottenCount;
  final Supplier<String> where;

  // ---- the JavaScript side: not copied
  Context ctx;
  /** The module's one entry: calls its hook of the number given in the ints. */
  Value dispatch;
  /** The hooks the module has: bit i for hook i. */
  private int defined;
  /** Hook calls per budget window (JsEngine.resetEvery), and calls left before the next reset. */
  private int resetEvery, untilReset;

  // ---- the hook call in progress
  Task current;
  int currentCpu;
  int currentHook = -1;

  private JsPolicy(JsSpec spec, Policy policy, long seed, Supplier<String> where) {
    this.spec = spec;
    this.k = policy.kernel();
    this.policy = policy;
    this.baseShrinkerNs = spec.reclaimEveryNs() > 0 ? 0 : policy.config.shrinkerEveryNs;
    this.random = new SplitMix(seed ^ (spec.policy().hashCode() * 0x9e3779b97f4a7c15L));
    this.nCounters = spec.counters().size();
    this.doubles = new double[CallLayout.doubles(nCounters)];
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < nCounters; i++) index.put(spec.counters().get(i), i);
    this.counterIndex = Map.copyOf(index);
    this.numbers = new StackNumbers(k);
    this.requests = new JsRequests(this);
    this.ejection = new JsEjection(this);
    this.where = where;
  }

  /** The copy in {@code policy} (the policy's copy): the Java side, with the kept stacks the copier's; no JavaScript. */
  private JsPolicy(JsPolicy o, Policy policy, Copier c) {
    spec = o.spec;
    k = policy.kernel();
    this.policy = policy;
    baseShrinkerNs = o.baseShrinkerNs;
    random = o.random.copy();
    nCounters = o.nCounters;
    doubles = o.doubles.clone();
    counterIndex = o.counterIndex;
    calls = o.calls;
    numbers = new StackNumbers(k);
    for (Map.Entry<KernelStack, Integer> e : o.numbers.keptStacks()) numbers.keep(numbers.of(KernelStack.copy(e.getKey(), c)), e.getValue());
    requests = o.requests.copy(this);
    ejection = o.ejection.copy(this);
    where = null;
  }

  @Override public PolicyHooks copy(Policy policy, Copier c) { return new JsPolicy(this, policy, c); }

  /** Loads the module for {@code policy} (a policy the machine defined from the base's settings) and attaches it. */
  static JsPolicy attach(JsSpec spec, Policy policy, long seed, Supplier<String> where) {
    JsPolicy p = new JsPolicy(spec, policy, seed, where);
    p.start();
    policy.attach(p);
    return p;
  }

  private void start() {
    try {
      resetEvery = JsEngine.resetEvery(spec.budget());
      ctx = JsEngine.context(spec.budget() * resetEvery);
      JsModule.Loaded m = JsModule.load(ctx, spec, new Host(requests, k.cpus(), k.memory.nodes()), doubles, ints);
      dispatch = m.dispatch();
      defined = m.hooks();
    } catch (JsModule.LoadError e) {
      ejection.pend("error", "load", e.getMessage(), e.js);
    }
    if (ejection.pending()) { ejection.finish(); return; }
    if (wants(INIT)) call(INIT, null, 0);
  }

  /** Lets the prelude count in place (1) or not (0: no hook runs, or a request was refused). */
  void countable(boolean ok) { doubles[okAt(nCounters)] = ok ? 1 : 0; }

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
    if (ctx == null || ejection.ejected()) return;
    try {
      ctx.resetLimits();
      untilReset = resetEvery;
      ints[HOOK] = FORGET;
      ints[ID] = FORGET_BATCH;
      dispatch.executeVoid();
      for (int i = 0; i < FORGET_BATCH; i++) numbers.reuse(ints[FORGOTTEN + i]);
    } catch (PolyglotException e) {
      ejection.eject("error", "free", "internal error forgetting freed stacks: " + e.getMessage(), null);
    }
  }

  /** The JavaScript is gone (ejected): nothing of it may be called again. */
  void dropJavaScript() {
    if (ctx != null) {
      try { ctx.close(true); } catch (RuntimeException ignored) { /* closing a cancelled context */ }
    }
    ctx = null;
    dispatch = null;
    forgottenCount = 0;
  }

  // ---------------------------------------------------------------- hook points

  @Override public KernelStack allocate(Task t, int cpu) {
    if (!wants(ALLOC)) return null;
    int id = callThread(ALLOC, t, cpu, 0);   // a stack's number, NONE, FREED or WRONG
    if (id == JsEjection.EJECTED) return null;
    if (id == NONE) {
      PolicyConfig c = policy.config;
      if (c.cache == PolicyConfig.CacheKind.NONE || c.cacheSize == 0) k.metrics.inc(policy.id, Metric.CACHE_MISSES);
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
    if (s.policy != policy.id) return false;
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
      if (id != 0 && r != JsEjection.EJECTED) numbers.reuse(id);
      if (r == WRONG) return reject(FREE, "free returned " + described() + ", expected true (keep the stack) or false");
      return false;
    }
    numbers.keep(v, cpu);
    k.charge(Primitive.CACHE_OP);
    StackOps.keep(k, s, cpu);
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

  @Override public boolean enter(Task t) { return wants(ENTER) && callThread(ENTER, t, t.cpu, 0) != JsEjection.EJECTED; }
  @Override public boolean leave(Task t) { return wants(LEAVE) && callThread(LEAVE, t, t.cpu, 0) != JsEjection.EJECTED; }
  @Override public boolean sleep(Task t) { return wants(SLEEP) && callThread(SLEEP, t, t.cpu, 0) != JsEjection.EJECTED; }
  @Override public boolean switchOut(Task t, int cpu) { return wants(SWITCH_OUT) && callThread(SWITCH_OUT, t, cpu, cpu) != JsEjection.EJECTED; }
  @Override public boolean switchIn(Task t, int cpu) { return wants(SWITCH_IN) && callThread(SWITCH_IN, t, cpu, cpu) != JsEjection.EJECTED; }

  @Override public boolean reclaim() {
    if (wants(RECLAIM) && call(RECLAIM, null, 0) != JsEjection.EJECTED) return true;
    return ejection.ejected() && baseShrinkerNs == 0;   // the shrinker was the module's: none after it
  }

  @Override public void forEachHeld(BiConsumer<Integer, KernelStack> v) { numbers.forEachKept(v); }

  /** The stacks it keeps and where, its counters and the frames it holds. */
  @Override public void state(State s) {
    numbers.forEachKept((cpu, st) -> { s.put(cpu); st.state(s); });
    for (double d : doubles) s.put(d);
    requests.state(s);
    s.put(ejection.ejected());
  }

  /**
   * Whether hook point {@code hook} calls the module: it defines the hook, was not ejected, and no
   * hook is running (a hook's own requests never call hooks). Checked before the arguments are
   * built, so a hook the module does not define costs one array read.
   */
  private boolean wants(int hook) {
    if (ejection.ejected()) return false;
    if (ctx == null) {
      ejection.eject("restored", HOOKS.get(hook), "this is a restored copy of the session: the module's JavaScript state could not come along", null);
      return false;
    }
    return (defined & 1 << hook) != 0 && currentHook < 0;
  }

  /**
   * Calls a hook whose first argument is thread {@code t}: the prelude builds the thread object
   * from numbers written into {@link #ints} and {@link #doubles} (CallLayout), so that no host
   * object crosses, the call has no arguments, and the hook reads plain JavaScript properties.
   * {@code extra}: the hook's second argument.
   */
  private int callThread(int hook, Task t, int cpu, int extra) {
    KernelStack s = t.stack;
    int bits = (t.kind == ThreadKind.KERNEL ? KERNEL : 0) | (t.inKernel ? IN_KERNEL : 0)
        | (t.state == Task.State.SLEEPING ? SLEEPING : 0) | (t.atomic() ? ATOMIC : 0);
    int[] a = ints;
    a[ID] = t.id;
    a[WHERE] = t.cpu << CPU_SHIFT | k.memory.nodeOf(t.cpu) << NODE_SHIFT | bits;
    a[STACK] = s == null ? 0 : numbers.of(s).id;
    a[PAGES] = s == null ? 0 : s.pages;
    a[EXTRA] = extra;
    a[DEPTH_PAGES] = s == null ? 0 : KernelStack.pagesFor(s.depth);
    doubles[depthAt(nCounters)] = s == null ? 0 : s.depth;
    return call(hook, t, cpu);
  }

  /**
   * Calls hook {@code hook} (after {@link #wants}): the prelude's answer, a number it leaves in
   * {@link #ints} (so that the call converts nothing either way), or {@link JsEjection#EJECTED}
   * when the call ejected the module (the built-in mechanism runs).
   */
  private int call(int hook, Task t, int cpu) {
    current = t;
    currentCpu = cpu;
    currentHook = hook;
    calls++;
    countable(true);
    try {
      // The statement budget: reset once per window of calls, the limit being the window's
      // total (JsEngine.context); a reset enters the context, which costs about as much as the call.
      if (--untilReset <= 0) {
        ctx.resetLimits();
        untilReset = resetEvery;
      }
      ints[HOOK] = hook;
      dispatch.executeVoid();
      if (ejection.pending()) { ejection.finish(); return JsEjection.EJECTED; }
      return ints[HOOK];
    } catch (PolyglotException e) {
      if (ejection.pending()) {
        ejection.locate(JsEjection.location(e));   // a refused request: the guest frame that made it says where
        ejection.finish();
        return JsEjection.EJECTED;
      }
      ejection.eject(JsEjection.isBudget(e) ? "budget" : "error", HOOKS.get(hook), JsEjection.message(e, spec.budget(), resetEvery), JsEjection.location(e));
      return JsEjection.EJECTED;
    } catch (RuntimeException e) {
      // A fault of our own while the hook ran: the model is consistent (each request is one step).
      ejection.eject("error", HOOKS.get(hook), "internal error during the hook: " + e, null);
      return JsEjection.EJECTED;
    } finally {
      countable(false);
      current = null;
      currentHook = -1;
      requests.callEnded();
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
    ejection.eject("invalid", HOOKS.get(hook), why, null);
    return false;
  }

  /** Hook calls per budget window, for the ejection's dump. */
  int resetEvery() { return resetEvery; }

  String where() {
    try {
      return where == null ? null : where.get();
    } catch (RuntimeException e) {
      return null;
    }
  }

  // ---------------------------------------------------------------- what the session and the report see

  Ejection ejectionInfo() { return ejection.info(); }

  @Override public boolean running() { return !ejection.ejected(); }

  /** {@code NAME.js.X}: a declared counter, or frames_held, stacks_held, calls, ejected, exit. */
  @Override public Object metric(String name) {
    Integer i = counterIndex.get(name);
    if (i != null) return doubles[i];
    return switch (name) {
      case "frames_held" -> (double) requests.framesHeld();
      case "stacks_held" -> (double) numbers.kept();
      case "calls" -> (double) calls;
      case "ejected" -> ejection.ejected() ? 1.0 : 0.0;
      case "exit" -> ejection.ejected() ? ejection.info().kind() : "none";
      default -> throw new IllegalArgumentException("no JS metric " + name);
    };
  }

  /** The metrics every JS policy has, besides its own counters; {@code exit} is text, the others counts. */
  static final List<String> BUILTIN_METRICS = List.of("frames_held", "stacks_held", "calls", "ejected", "exit");

  @Override public void report(StringBuilder text) { JsReport.text(text, this); }

  @Override public void report(ObjectNode json) { JsReport.json(json, this); }

  /** The JS policy attached to {@code p}, or null. */
  static JsPolicy of(Policy p) { return p.hooks() instanceof JsPolicy j ? j : null; }
}
