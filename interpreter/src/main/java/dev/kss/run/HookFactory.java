package dev.kss.run;

import dev.kss.check.PolicyDef;
import dev.kss.machine.Machine;
import dev.kss.machine.stack.Policy;
import java.util.function.Supplier;

/**
 * How a session attaches a policy's hook module (a JS policy) to the machine: the run layer's port,
 * which the CLI fills with the JS bridge (dev.kss.js.Js). {@code where} names the .kss event running
 * now, for the module's messages.
 */
public interface HookFactory {
  void attach(PolicyDef def, Machine machine, Policy policy, long seed, Supplier<String> where);

  /** No hook modules: a session that needs one fails at the policy's first use. */
  HookFactory NONE = (def, machine, policy, seed, where) -> {
    throw new IllegalStateException("policy " + def.name() + " needs JS policies, which this session was not given");
  };
}
