package dev.kss.js;

import dev.kss.check.Modules;
import dev.kss.check.PolicyDef;
import dev.kss.run.HookFactory;
import dev.kss.run.Options;

/**
 * The JS bridge as the rest of kss plugs it in: the checker's {@link Modules} port (reading and
 * checking a policy's module) and the session's {@link HookFactory} (attaching it to the machine).
 * Nothing else of this package is seen outside it.
 */
public final class Js {
  private Js() {}

  /** The stdlib modules of {@code stdlib}, and JS policy modules. */
  public static Modules modules(Modules stdlib) { return new JsModules(stdlib); }

  /** Attaches a checked JS policy's module (JsSpec) to its policy in the machine. */
  public static final HookFactory HOOKS = (PolicyDef def, dev.kss.machine.Machine machine, dev.kss.machine.stack.Policy policy,
      long seed, java.util.function.Supplier<String> where) -> JsPolicy.attach((JsSpec) def.hooks(), policy, seed, where);

  /** {@code options} with JS policies available. */
  public static Options enable(Options options) { return options.withExtensions(modules(options.modules()), HOOKS); }

  /** "GraalVM CE" when GraalJS has its optimizing runtime, "Interpreted" without it. */
  public static String runtime() { return JsEngine.runtime(); }
}
