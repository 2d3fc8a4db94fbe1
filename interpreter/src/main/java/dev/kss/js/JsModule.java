package dev.kss.js;

import java.util.ArrayList;
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

  /** The prelude (a resource beside this class): it defines {@code kss} over the host facade, and {@code console} as the report's log. */
  static final String PRELUDE_NAME = "kss-prelude.js";
  private static final String PRELUDE = resource(PRELUDE_NAME);

  private static String resource(String name) {
    try (java.io.InputStream in = JsModule.class.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException(name + " is missing from the class path");
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * A loaded module: its default export, the one entry that calls its hooks by number
   * (CallLayout), and which hooks it has (bit i: hook i).
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
          .execute(host, CallLayout.json(spec.counters().size()), spec.optionsJson(), namesJson(spec.counters()), doubles, ints);
      Value ns = ctx.eval(JsEngine.source(spec.policy(), spec.file(), spec.text(), true));
      Value exported = ns.getMember("default");
      if (exported == null || exported.isNull() || !exported.hasMembers() || exported.canExecute())
        throw new LoadError(spec.file() + " has no default export of hooks: write export default { alloc(t) { ... }, ... }", null);
      Value hooks = entry.execute(exported, namesJson(spec.hooks()));
      return new Loaded(exported, hooks.getArrayElement(0), hooks.getArrayElement(1).asInt());
    } catch (PolyglotException e) {
      String js = JsEjection.location(e);
      throw new LoadError((js != null ? js + ": " : spec.file() + ": ") + JsEjection.message(e, spec.budget(), 1), js);
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
   * default export is a hook ({@link CallLayout#HOOKS}), {@code counters} is a list of names,
   * {@code reclaimEvery} a positive number of ns.
   */
  static Inspection inspect(JsSpec spec, int cpus, int nodes) throws LoadError {
    try (Context ctx = JsEngine.context(spec.budget())) {
      Host probe = new Host(null, cpus, nodes);
      Value hooks = load(ctx, spec, probe, new double[CallLayout.doubles(spec.counters().size())], new int[CallLayout.INTS]).exported();
      List<String> found = new ArrayList<>(), counters = new ArrayList<>();
      long every = 0;
      for (String key : hooks.getMemberKeys()) {
        Value v = hooks.getMember(key);
        if (v.canExecute()) {
          if (!CallLayout.HOOKS.contains(key))
            throw new LoadError(spec.file() + ": unknown hook '" + key + "', expected one of " + String.join(", ", CallLayout.HOOKS)
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
