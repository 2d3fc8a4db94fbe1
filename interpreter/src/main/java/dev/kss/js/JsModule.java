package dev.kss.js;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;

/**
 * Loading a policy module: the prelude that gives it {@code kss} (the only way to the host), then
 * the module itself, an ES module whose default export is the object of hooks.
 */
final class JsModule {
  private JsModule() {}

  /**
   * Defines {@code kss} over the host facade, and {@code console} as the report's log. The facade
   * itself stays in this closure. Host methods take no optional arguments, so defaults are filled here.
   */
  static final String PRELUDE_NAME = "kss-prelude.js";
  private static final String PRELUDE = """
      (function (host, optionsJson, countersJson, shared) {
        'use strict';
        const log = (...args) => host.log(args.map(a => typeof a === 'string' ? a : String(a)).join(' '));
        const cpus = host.cpus();
        const percpu = Object.freeze(Array.from({ length: cpus }, () => ({})));
        // The machine's shape does not change: CPU -> node is a table here, not a call to the host.
        const nodeTable = Object.freeze(Array.from({ length: cpus }, (_, c) => host.nodeOfShape(c)));
        // counter name -> its number, so that a count crosses to the host with two numbers
        const counterIndex = new Map(JSON.parse(countersJson).map((name, i) => [name, i]));
        // The counters live in the host's buffer (read there for metrics, snapshots and ejection
        // reports), written here without a call; the word after them is 1 while a hook may make
        // requests (a hook runs and no request was refused). Anything else goes to the host, which refuses.
        const buf = new ArrayBuffer(shared), okAt = counterIndex.size;
        const counts = new Float64Array(buf, 0, okAt + 2);
        // A hook's numeric arguments come in the same buffer, not as arguments of the call (which the
        // host would convert one by one): the depth after the state word, then, as int32s, the
        // thread's id, cpu, node, bits, depth in pages, stack number and pages, and the extra argument.
        const D = okAt + 1, ints = new Int32Array(buf, 8 * (okAt + 2), 8);
        const threadIn = (nm) => thread(ints[0], nm, ints[1], ints[2], ints[3], counts[D], ints[4], ints[5], ints[6]);
        // A stack as hooks see it: one object per stack (so === works), made here from its number;
        // the host knows stacks by number. #id brands the objects this prelude made.
        const stacks = new Map();
        class Stack {
          #id;
          constructor(id, pages) { this.#id = id; this.id = id; this.pages = pages; Object.freeze(this); }
          mapped(p) { return host.stackMapped(this.#id, p); }
          mappedCount() { return host.stackMappedCount(this.#id); }
          accessed(p) { return host.stackAccessed(this.#id, p); }
          live() { return host.stackLive(this.#id); }
          toString() { return 'stack ' + this.#id; }
          static idOf(s) { return typeof s === 'object' && s !== null && #id in s ? s.#id : -1; }
        }
        const idOf = Stack.idOf;
        delete Stack.prototype.constructor;
        Object.freeze(Stack.prototype);
        const stackOf = (id, pages) => {
          if (id < 0) return null;
          let s = stacks.get(id);
          if (s === undefined) stacks.set(id, s = new Stack(id, pages));
          return s;
        };
        // A thread as hooks see it: a plain object, a snapshot at the call (the host passes numbers).
        const thread = (id, name, cpu, node, bits, depth, depthPages, sid, pages) => ({
          id, name, cpu, node, kernel: (bits & 1) !== 0, inKernel: (bits & 2) !== 0, sleeping: (bits & 4) !== 0,
          atomic: (bits & 8) !== 0, depth, depthPages, stack: stackOf(sid, pages) });
        const fromView = (v) => v === null ? null
          : thread(v.id, v.name, v.cpu, v.node, (v.kernel ? 1 : 0) | (v.inKernel ? 2 : 0) | (v.sleeping ? 4 : 0) | (v.atomic ? 8 : 0),
              v.depth, v.depthPages, v.stack === null ? -1 : v.stack.id, v.stack === null ? 0 : v.stack.pages);
        globalThis.kss = Object.freeze({
          options: Object.freeze(JSON.parse(optionsJson)),
          cpus,
          nodes: host.nodes(),
          nodeOf: (cpu) => Number.isInteger(cpu) && cpu >= 0 && cpu < cpus ? nodeTable[cpu] : host.nodeOf(cpu),
          percpu,
          now: () => host.now(),
          cpu: () => host.cpu(),
          thread: () => fromView(host.thread()),
          threads: () => {
            const n = host.threadCount(), out = new Array(n);
            for (let i = 0; i < n; i++) out[i] = fromView(host.threadAt(i));
            return out;
          },
          freeFrames: () => host.freeFrames(),
          totalFrames: () => host.totalFrames(),
          allocFrame: (node) => host.allocFrame(node === undefined ? -1 : node),
          freeFrame: (pfn) => host.freeFrame(pfn),
          map: (stack, page, pfn) => host.map(idOf(stack), page, pfn),
          unmap: (stack, page) => host.unmap(idOf(stack), page),
          invalidate: (mode) => host.invalidate(mode === undefined ? '' : mode),
          count: (name, n) => {
            const i = counterIndex.get(name);
            if (i === undefined) return host.count(name, n === undefined ? 1 : n);
            const v = n === undefined ? 1 : n;
            if (counts[okAt] === 1 && typeof v === 'number' && Number.isFinite(v)) counts[i] += v;
            else host.countAt(i, v);
          },
          random: () => host.random(),
          log,
        });
        globalThis.console = Object.freeze({ log, info: log, warn: log, error: log, debug: log });
        // The entry the host calls for hook NAME of HOOKS (this is the export, as in a method call):
        // a thread's name is the argument, its numbers and those of a stack are in the buffer. alloc answers a stack's number, -1 for none, or a description of
        // what it returned instead; free forgets a stack it does not keep.
        return (hooks, name) => {
          // The host forgets stacks that are gone (freed, not kept) in batches: forget them here too.
          if (name === '') return (ids) => { for (let i = 0; i < ids.length; i++) stacks.delete(ids[i]); };
          const f = hooks[name];
          if (typeof f !== 'function') return null;
          switch (name) {
            case 'alloc':
              return (nm) => {
                const r = f.call(hooks, threadIn(nm));
                if (r === null || r === undefined) return -1;
                const i = idOf(r);
                return i >= 0 ? i : typeof r === 'string' ? JSON.stringify(r) : String(r);
              };
            case 'free':
              return () => {
                const sid = ints[5];
                const keep = f.call(hooks, stackOf(sid, ints[6]), ints[7]);
                if (keep !== true) stacks.delete(sid);
                return keep;
              };
            case 'enter': case 'leave': case 'sleep':
              return (nm) => f.call(hooks, threadIn(nm));
            case 'fault': case 'switchOut': case 'switchIn':
              return (nm) => f.call(hooks, threadIn(nm), ints[7]);
            default:
              return f.bind(hooks);
          }
        };
      })
      """;

  /** A loaded module: its default export, and the entries of its hooks by number ({@link JsPolicy#HOOKS}; null where it has none). */
  record Loaded(Value exported, Value[] hooks, Value forget) {}

  /** A module that did not load: a syntax error, an exception at the top level, no default export. */
  static final class LoadError extends Exception {
    final String js;

    LoadError(String message, String js) {
      super(message, null, false, false);
      this.js = js;
    }
  }

  /** Evaluates the prelude and the module in {@code ctx}; returns the default export and its hooks. */
  static Loaded load(Context ctx, JsSpec spec, Host host, java.nio.ByteBuffer shared) throws LoadError {
    try {
      ctx.resetLimits();
      Value entry = ctx.eval(JsEngine.script(PRELUDE_NAME, PRELUDE)).execute(host, spec.optionsJson(), countersJson(spec.counters()), shared);
      Value ns = ctx.eval(JsEngine.module(spec.file(), spec.text()));
      Value exported = ns.getMember("default");
      if (exported == null || exported.isNull() || !exported.hasMembers() || exported.canExecute())
        throw new LoadError(spec.file() + " has no default export of hooks: write export default { alloc(t) { ... }, ... }", null);
      Value[] hooks = new Value[JsPolicy.HOOKS.length];
      for (int i = 0; i < hooks.length; i++) {
        if (!spec.hooks().contains(JsPolicy.HOOKS[i])) continue;
        Value f = entry.execute(exported, JsPolicy.HOOKS[i]);
        hooks[i] = f.isNull() ? null : f;
      }
      return new Loaded(exported, hooks, entry.execute(exported, ""));
    } catch (PolyglotException e) {
      String js = JsPolicy.location(e);
      throw new LoadError((js != null ? js + ": " : spec.file() + ": ") + JsPolicy.message(e, spec.budget(), 1), js);
    }
  }

  /** The counter names as a JSON array (they are identifiers: nothing to escape). */
  private static String countersJson(List<String> counters) {
    StringBuilder b = new StringBuilder("[");
    for (String c : counters) b.append(b.length() > 1 ? "," : "").append('"').append(c).append('"');
    return b.append(']').toString();
  }

  /** What the checker needs to know of a module: its hooks, its counters and its reclaim period. */
  record Inspection(List<String> hooks, List<String> counters, long reclaimEveryNs) {}

  /**
   * Loads the module once in a throwaway context and checks its shape: every function of the
   * default export is a hook ({@link JsPolicy#HOOKS}), {@code counters} is a list of names,
   * {@code reclaimEvery} a positive number of ns.
   */
  static Inspection inspect(JsSpec spec, int cpus, int nodes) throws LoadError {
    try (Context ctx = JsEngine.context(spec.budget())) {
      Host probe = new Host(null, cpus, nodes);
      Value hooks = load(ctx, spec, probe, JsPolicy.sharedBuffer(spec.counters().size())).exported();
      List<String> found = new ArrayList<>(), counters = new ArrayList<>();
      long every = 0;
      for (String key : hooks.getMemberKeys()) {
        Value v = hooks.getMember(key);
        if (v.canExecute()) {
          if (!Arrays.asList(JsPolicy.HOOKS).contains(key))
            throw new LoadError(spec.file() + ": unknown hook '" + key + "', expected one of " + String.join(", ", JsPolicy.HOOKS)
                + " (helpers belong outside the exported object)", null);
          found.add(key);
        } else if (key.equals("counters")) {
          if (!v.hasArrayElements()) throw new LoadError(spec.file() + ": counters must be a list of names, such as ['hits', 'misses']", null);
          for (long i = 0; i < v.getArraySize(); i++) {
            Value n = v.getArrayElement(i);
            if (!n.isString() || !n.asString().matches("[A-Za-z_][A-Za-z0-9_]*") || JsPolicy.BUILTIN_METRICS.contains(n.asString()))
              throw new LoadError(spec.file() + ": counter " + n + " must be a name (letters, digits, _) other than " + JsPolicy.BUILTIN_METRICS, null);
            if (!counters.contains(n.asString())) counters.add(n.asString());
          }
        } else if (key.equals("reclaimEvery")) {
          if (!v.isNumber() || !(v.asDouble() >= 1) || v.asDouble() > 1e15)
            throw new LoadError(spec.file() + ": reclaimEvery must be a positive number of nanoseconds, not " + v, null);
          every = (long) v.asDouble();
        }
      }
      return new Inspection(found, counters, every);
    }
  }
}
