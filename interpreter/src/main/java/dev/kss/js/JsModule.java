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
      (function (host, optionsJson, countersJson, hooksJson, doubles, ints) {
        'use strict';
        const HOOKS = JSON.parse(hooksJson);
        const log = (...args) => host.log(args.map(a => typeof a === 'string' ? a : String(a)).join(' '));
        const cpus = host.cpus();
        const percpu = Object.freeze(Array.from({ length: cpus }, () => ({})));
        // The machine's shape does not change: CPU -> node is a table here, not a call to the host.
        const nodeTable = Object.freeze(Array.from({ length: cpus }, (_, c) => host.nodeOfShape(c)));
        // counter name -> its number, so that a count crosses to the host with two numbers
        // (an object without a prototype rather than a Map: a count's name is most often a constant,
        // and a property read with a constant key is one cached check)
        const counterNames = JSON.parse(countersJson), counterIndex = Object.create(null);
        counterNames.forEach((name, i) => { counterIndex[name] = i; });
        // Two host arrays are shared with the host, read and written here without a call. doubles:
        // the counters (read by the host for metrics, snapshots and ejection reports), then a word
        // that is 1 while a hook may make requests (a hook runs and no request was refused; anything
        // else goes to the host, which refuses), then the depth of the hook's thread. ints: a hook's
        // number and arguments, rather than arguments of the call (which the host would convert one
        // by one): the hook's number, the thread's id, its cpu << 10 | node << 4 | flags, its stack's
        // number and pages, the hook's extra argument, the thread's depth in pages, and the numbers
        // of stacks to forget (JsPolicy.sharedInts). Each is read once, when the hook's arguments
        // are made.
        const counts = doubles, okAt = counterNames.length, D = okAt + 1, FORGOTTEN = 7;
        const threadIn = () => {
          const where = ints[2];
          return new Thread(ints[1], where >> 10, (where >> 4) & 63, where, counts[D], ints[6], stackIn(ints[3]));
        };
        const stackIn = (id) => id <= 0 ? null : stacks[id] ?? stackOf(id, ints[4]);
        // A stack as hooks see it: one object per stack (so === works), made here from its number;
        // the host knows stacks by number (from 1). The table below holds the stack objects of the
        // stacks the host knows: an object is one this prelude made, and not freed since, exactly
        // when it is the table's entry for its number (the host hands a number out again only after
        // it was dropped here). A freed one is refused (-2). (A check by identity rather than a
        // private field, #id in s: in an engine shared by several contexts a private name is not a
        // constant, and the brand check cost a quarter of a hook call.)
        const stacks = [];
        class Stack {
          // Not frozen: Object.freeze on each new stack object cost more than the hook call (~170 ns),
          // and the table, not the id property, says which stack an object is: a module that writes
          // to its stack's id only makes the host refuse that object.
          constructor(id, pages) { this.id = id; this.pages = pages; }
          mapped(p) { return host.stackMapped(idOf(this), p); }
          mappedCount() { return host.stackMappedCount(idOf(this)); }
          accessed(p) { return host.stackAccessed(idOf(this), p); }
          live() { return host.stackLive(idOf(this)); }
          toString() { return 'stack ' + this.id; }
        }
        // The number of stack object s, -2 for one that was freed, -1 for anything else.
        const idOf = (s) => {
          if (typeof s !== 'object' || s === null) return -1;
          const id = s.id;
          return stacks[id] === s ? id : s instanceof Stack ? -2 : -1;
        };
        const forget = (id) => { stacks[id] = undefined; };
        delete Stack.prototype.constructor;
        Object.freeze(Stack.prototype);
        const stackOf = (id, pages) => {
          if (id <= 0) return null;
          let s = stacks[id];
          if (s === undefined) stacks[id] = s = new Stack(id, pages);
          return s;
        };
        // A thread as hooks see it: a snapshot at the call, made from numbers (no host object crosses).
        // Its name is asked of the host when read (few hooks read it; passing it would cost every call).
        class Thread {
          constructor(id, cpu, node, bits, depth, depthPages, stack) {
            this.id = id; this.cpu = cpu; this.node = node;
            this.kernel = (bits & 1) !== 0; this.inKernel = (bits & 2) !== 0; this.sleeping = (bits & 4) !== 0; this.atomic = (bits & 8) !== 0;
            this.depth = depth; this.depthPages = depthPages; this.stack = stack;
          }
          get name() { return host.threadName(this.id); }
          toString() { return 'thread ' + this.id; }
        }
        const fromView = (v) => v === null ? null
          : new Thread(v.id, v.cpu, v.node, (v.kernel ? 1 : 0) | (v.inKernel ? 2 : 0) | (v.sleeping ? 4 : 0) | (v.atomic ? 8 : 0),
              v.depth, v.depthPages, v.stack === null ? null : stackOf(v.stack.id, v.stack.pages));
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
            const i = typeof name === 'string' ? counterIndex[name] : undefined;
            if (i === undefined) return host.count(name, n === undefined ? 1 : n);
            if (n === undefined) {   // the common case: one more
              if (counts[okAt] === 1) counts[i]++;
              else host.countAt(i, 1);
            } else if (counts[okAt] === 1 && typeof n === 'number' && n - n === 0) counts[i] += n;   // finite
            else host.countAt(i, n);
          },
          random: () => host.random(),
          log,
        });
        globalThis.console = Object.freeze({ log, info: log, warn: log, error: log, debug: log });
        // The one entry the host calls, without arguments (the hook's number is in the shared ints) and
        // without a result (the answer goes in its place): one function, so that the host's call
        // site sees a single target and the hooks compile into it, and nothing to convert. Answers:
        // alloc a stack's number, -1 for none or -2 for a freed stack object; free 1 to keep the
        // stack (else it is forgotten here); fault 1 or 0; the others 0. A value of the wrong kind
        // answers -3, and the host asks for its description (-2 as the hook's number) for its message.
        return (hooks, namesJson) => {
          const names = JSON.parse(namesJson);
          const has = names.filter(n => typeof hooks[n] === 'function').map(n => HOOKS.indexOf(n));
          const bad = (r) => typeof r === 'string' ? JSON.stringify(r) : String(r);
          const dispatch = (hook) => {
            switch (hook) {
              case 1: {
                const r = hooks.alloc(threadIn());
                if (r === null || r === undefined) return -1;
                const i = idOf(r);
                return i !== -1 ? i : bad(r);
              }
              case 2: {
                const sid = ints[3];
                const keep = hooks.free(stackIn(sid), ints[5]);
                if (keep === true) return 1;
                forget(sid);
                return keep === false || keep === null || keep === undefined ? 0 : bad(keep);
              }
              case 3: {
                const r = hooks.fault(threadIn(), ints[5]);
                return r === true ? 1 : r === false || r === null || r === undefined ? 0 : bad(r);
              }
              case 4: hooks.enter(threadIn()); return 0;
              case 5: hooks.leave(threadIn()); return 0;
              case 6: hooks.sleep(threadIn()); return 0;
              case 7: hooks.switchOut(threadIn(), ints[5]); return 0;
              case 8: hooks.switchIn(threadIn(), ints[5]); return 0;
              case 9: hooks.reclaim(); return 0;
              case 0: hooks.init(); return 0;
              // Stacks the host has forgotten (freed, not kept), in batches.
              case -1: for (let i = 0; i < ints[1]; i++) forget(ints[FORGOTTEN + i]); return 0;
            }
          };
          let described = '';
          const entry = () => {
            const hook = ints[0];
            if (hook === -2) return described;
            const r = dispatch(hook);
            if (typeof r === 'number') ints[0] = r;
            else { described = r; ints[0] = -3; }
          };
          // Which hooks the module has, as bits by number.
          return [entry, has.reduce((bits, i) => bits | (1 << i), 0)];
        };
      })
      """;

  /**
   * A loaded module: its default export, the one entry that calls its hooks by number
   * ({@link JsPolicy#HOOKS}; -1 forgets the stacks listed in the shared ints), and which hooks it has (bit i: hook i).
   */
  record Loaded(Value exported, Value dispatch, int hooks) {}

  /** A module that did not load: a syntax error, an exception at the top level, no default export. */
  static final class LoadError extends Exception {
    final String js;

    LoadError(String message, String js) {
      super(message, null, false, false);
      this.js = js;
    }
  }

  /** Evaluates the prelude and the module in {@code ctx}; returns the default export and its hooks. */
  static Loaded load(Context ctx, JsSpec spec, Host host, double[] doubles, int[] ints) throws LoadError {
    try {
      ctx.resetLimits();
      // The prelude and the module are the policy's own copies (JsEngine.source): whatever other JS
      // policies the engine runs, each compiles for this one.
      Value entry = ctx.eval(JsEngine.source(spec.policy(), PRELUDE_NAME, PRELUDE, false))
          .execute(host, spec.optionsJson(), namesJson(spec.counters()), namesJson(List.of(JsPolicy.HOOKS)), doubles, ints);
      Value ns = ctx.eval(JsEngine.source(spec.policy(), spec.file(), spec.text(), true));
      Value exported = ns.getMember("default");
      if (exported == null || exported.isNull() || !exported.hasMembers() || exported.canExecute())
        throw new LoadError(spec.file() + " has no default export of hooks: write export default { alloc(t) { ... }, ... }", null);
      Value hooks = entry.execute(exported, namesJson(spec.hooks()));
      return new Loaded(exported, hooks.getArrayElement(0), hooks.getArrayElement(1).asInt());
    } catch (PolyglotException e) {
      String js = JsPolicy.location(e);
      throw new LoadError((js != null ? js + ": " : spec.file() + ": ") + JsPolicy.message(e, spec.budget(), 1), js);
    }
  }

  /** Names (of counters, of hooks) as a JSON array (they are identifiers: nothing to escape). */
  private static String namesJson(List<String> counters) {
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
      Value hooks = load(ctx, spec, probe, JsPolicy.sharedDoubles(spec.counters().size()), JsPolicy.sharedInts()).exported();
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
