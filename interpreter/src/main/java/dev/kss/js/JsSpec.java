package dev.kss.js;

import java.util.List;

/**
 * A checked {@code policy NAME = js "file.js" [extends BASE] [{ OPTIONS }]}: the module's text and
 * the name errors show for it, the options as JSON, and what the check found in the module (its
 * hooks and declared counters). {@code where} is the declaration, for messages.
 */
public record JsSpec(String policy, String file, String text, String optionsJson, List<String> hooks,
    List<String> counters, long reclaimEveryNs, long budget, String base, String where) implements java.io.Serializable {

  /** Statements one hook call may run before it is stopped (ResourceLimits.statementLimit). */
  public static final long DEFAULT_BUDGET = 1_000_000;
}
