package dev.kss.run;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the session and the report see of a policy's attached hook module (dev.kss.js.JsPolicy):
 * its metrics ({@code NAME.js.X}), its part of the report, and whether it still runs (its state
 * outside the machine cannot be copied then).
 */
public interface AttachedHooks {
  Object metric(String name);

  /** Still deciding (not ejected): a copy of the session would not behave as the session does. */
  boolean running();

  void report(StringBuilder text);

  void report(ObjectNode json);
}
