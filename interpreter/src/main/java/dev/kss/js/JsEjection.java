package dev.kss.js;

import dev.kss.check.Values;
import dev.kss.machine.mem.KernelStack;
import dev.kss.machine.sched.Task;
import dev.kss.machine.stack.StackOps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.SourceSection;

/**
 * Safety in the manner of sched_ext (docs.kernel.org/scheduler/sched-ext.html): an exception, a
 * statement budget exhausted or a decision the model refuses ejects the policy with a reason and a
 * short dump of the state. Whatever it held (free frames, kept stacks) is freed, its threads
 * continue under the base policy, and the report says what happened and where.
 */
final class JsEjection {
  /** A hook call's answer when the call ejected the module (the built-in mechanism runs). */
  static final int EJECTED = Integer.MIN_VALUE;

  private final JsPolicy p;
  private Ejection ejection;
  /** Set by a request the model refused, during a hook call; ejects when the call returns. */
  private Ejection pending;

  JsEjection(JsPolicy p) { this.p = p; }

  JsEjection copy(JsPolicy p) {
    JsEjection e = new JsEjection(p);
    e.ejection = ejection;
    return e;
  }

  boolean ejected() { return ejection != null; }

  boolean pending() { return pending != null; }

  String pendingReason() { return pending.reason(); }

  Ejection info() { return ejection; }

  /** Thrown into the guest by a refused request. */
  static final class Refused extends RuntimeException {
    // A stack trace, so that the polyglot stack trace has the guest frames (the location).
    Refused(String why) { super(why); }
  }

  /** A request the model refuses: the policy is ejected when the hook returns, whatever the hook does with the exception. */
  Refused refuse(String why) {
    if (pending == null) pending = ejection("invalid", p.currentHook >= 0 ? CallLayout.HOOKS.get(p.currentHook) : "-", why, null);
    p.countable(false);   // the prelude's counts go through the host again, which refuses them
    return new Refused(why);
  }

  /** An ejection to finish when the hook returns. */
  void pend(String kind, String hook, String why, String js) {
    if (pending == null) pending = ejection(kind, hook, why, js);
  }

  /** The pending ejection happened at {@code js}, if it did not know where. */
  void locate(String js) {
    if (pending.js() == null) pending = new Ejection(pending.kind(), pending.hook(), pending.reason(), js, pending.at(), pending.timeNs(), pending.dump());
  }

  void eject(String kind, String hook, String why, String js) {
    if (ejection != null) return;
    pending = ejection(kind, hook, why, js);
    finish();
  }

  private Ejection ejection(String kind, String hook, String why, String js) {
    return new Ejection(kind, hook, why, js, p.where(), p.k.now(), dump());
  }

  /** Frees what the module held and stops calling it; its threads carry on under the base policy. */
  void finish() {
    ejection = pending;
    pending = null;
    JsRequests r = p.requests;
    // Pages it unmapped without invalidating: flushed as the base policy would.
    if (r.unflushedCount > 0) r.flushUnflushed(p.policy.config.invalidate);
    r.freeFrames(p.currentCpu);
    List<Map.Entry<KernelStack, Integer>> kept = p.numbers.keptStacks();
    p.numbers.clear();
    for (Map.Entry<KernelStack, Integer> e : kept) StackOps.dispose(p.k, e.getKey(), e.getValue());
    p.dropJavaScript();
  }

  /** The state that matters, in a few lines (the thread of the hook, what the module holds). */
  private List<String> dump() {
    List<String> d = new ArrayList<>();
    Task t = p.current;
    if (t != null) {
      StringBuilder m = new StringBuilder();
      if (t.stack != null) for (int q = 0; q < t.stack.pages; q++) m.append(t.stack.isMapped(q) ? '#' : '.');
      d.add("thread " + t + ": cpu " + t.cpu + ", " + t.state.name().toLowerCase() + (t.inKernel ? ", in the kernel" : ", in user mode")
          + (t.atomic() ? ", atomic" : "") + (t.stack != null ? ", depth " + t.stack.depth + " bytes, pages [" + m + "] (# mapped, top first)" : ""));
    }
    Map<Integer, Integer> perCpu = new java.util.TreeMap<>();
    p.numbers.forEachKept((cpu, s) -> perCpu.merge(cpu, 1, Integer::sum));
    d.add("kept stacks " + p.numbers.kept() + (perCpu.isEmpty() ? "" : " " + perCpu) + ", free frames held " + p.requests.framesHeld()
        + ", unmapped pages not yet invalidated " + p.requests.unflushedCount);
    if (p.nCounters > 0) {
      StringBuilder c = new StringBuilder("counters");
      for (int i = 0; i < p.nCounters; i++) c.append(i == 0 ? " " : ", ").append(p.spec.counters().get(i)).append(' ').append(Values.number(p.doubles[i]));
      d.add(c.toString());
    }
    int window = p.resetEvery();
    d.add("hook calls " + p.calls + ", statement budget per call " + p.spec.budget() + (window > 1 ? " (reset every " + window + " calls)" : ""));
    return d;
  }

  /** The first JavaScript frame of the error: {@code file.js:LINE:COL}. */
  static String location(PolyglotException e) {
    SourceSection s = e.getSourceLocation();
    if (s == null || !s.isAvailable() || JsEngine.isPrelude(s.getSource())) {
      s = null;
      for (PolyglotException.StackFrame f : e.getPolyglotStackTrace()) {
        SourceSection l = f.getSourceLocation();
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
}
