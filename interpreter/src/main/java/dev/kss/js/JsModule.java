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
      (function (host, optionsJson) {
        'use strict';
        const log = (...args) => host.log(args.map(a => typeof a === 'string' ? a : String(a)).join(' '));
        const percpu = Object.freeze(Array.from({ length: host.cpus() }, () => ({})));
        globalThis.kss = Object.freeze({
          options: Object.freeze(JSON.parse(optionsJson)),
          cpus: host.cpus(),
          nodes: host.nodes(),
          nodeOf: (cpu) => host.nodeOf(cpu),
          percpu,
          now: () => host.now(),
          cpu: () => host.cpu(),
          thread: () => host.thread(),
          threads: () => {
            const n = host.threadCount(), out = new Array(n);
            for (let i = 0; i < n; i++) out[i] = host.threadAt(i);
            return out;
          },
          freeFrames: () => host.freeFrames(),
          totalFrames: () => host.totalFrames(),
          allocFrame: (node) => host.allocFrame(node === undefined ? -1 : node),
          freeFrame: (pfn) => host.freeFrame(pfn),
          map: (stack, page, pfn) => host.map(stack, page, pfn),
          unmap: (stack, page) => host.unmap(stack, page),
          invalidate: (mode) => host.invalidate(mode === undefined ? '' : mode),
          count: (name, n) => host.count(name, n === undefined ? 1 : n),
          random: () => host.random(),
          log,
        });
        globalThis.console = Object.freeze({ log, info: log, warn: log, error: log, debug: log });
      })
      """;

  /** A module that did not load: a syntax error, an exception at the top level, no default export. */
  static final class LoadError extends Exception {
    final String js;

    LoadError(String message, String js) {
      super(message, null, false, false);
      this.js = js;
    }
  }

  /** Evaluates the prelude and the module in {@code ctx}; returns the default export. */
  static Value load(Context ctx, JsSpec spec, Host host) throws LoadError {
    try {
      ctx.resetLimits();
      ctx.eval(JsEngine.script(PRELUDE_NAME, PRELUDE)).execute(host, spec.optionsJson());
      Value ns = ctx.eval(JsEngine.module(spec.file(), spec.text()));
      Value exported = ns.getMember("default");
      if (exported == null || exported.isNull() || !exported.hasMembers() || exported.canExecute())
        throw new LoadError(spec.file() + " has no default export of hooks: write export default { alloc(t) { ... }, ... }", null);
      return exported;
    } catch (PolyglotException e) {
      String js = JsPolicy.location(e);
      throw new LoadError((js != null ? js + ": " : spec.file() + ": ") + JsPolicy.message(e, spec.budget()), js);
    }
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
      Value hooks = load(ctx, spec, probe);
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
