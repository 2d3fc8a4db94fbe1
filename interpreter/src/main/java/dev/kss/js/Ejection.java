package dev.kss.js;

import java.util.List;

/**
 * Why and where a JS policy was ejected, as sched_ext's exit info (kernel/sched/ext.c: the exit
 * kind, a reason, and a dump of the state, since "all the scheduling states are lost as the
 * system is reverted back", sched-ext/sched_ext#126).
 *
 * @param kind {@code error} (the hook threw), {@code budget} (it ran out of statements),
 *     {@code invalid} (a decision the model refused), {@code restored} (a snapshot copy: its
 *     JavaScript state could not come along)
 * @param js the JS location ({@code file.js:LINE:COL}), or null when unknown
 * @param at the .kss event whose hook it was ({@code file.kss:LINE:COL}), or null
 */
public record Ejection(String kind, String hook, String reason, String js, String at, long timeNs, List<String> dump)
    implements java.io.Serializable {

  /** One line: what happened and where. */
  public String summary() {
    return kind + " in hook " + hook + (at != null ? " (event at " + at + ")" : "") + ": "
        + (js != null ? js + ": " : "") + reason;
  }
}
