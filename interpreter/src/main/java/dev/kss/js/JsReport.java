package dev.kss.js;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kss.check.Values;
import dev.kss.run.Format;

/** A JS policy's part of the report: its counters, what it holds, whether it was ejected and why, and its log. */
final class JsReport {
  private JsReport() {}

  static void text(StringBuilder out, JsPolicy j) {
    out.append("js (").append(j.spec.file()).append(", base ").append(j.spec.base()).append(")\n");
    for (String c : j.spec.counters()) line(out, c, Values.number((Double) j.metric(c)));
    for (String b : JsPolicy.BUILTIN_METRICS) {
      Object v = j.metric(b);
      line(out, b, v instanceof Double d ? Values.number(d) : String.valueOf(v));
    }
    Ejection e = j.ejectionInfo();
    if (e != null) {
      out.append("  EJECTED at ").append(Format.nanos(e.timeNs())).append(": ").append(e.summary()).append('\n');
      out.append("  its threads continue under ").append(j.spec.base()).append("; state at the ejection:\n");
      for (String d : e.dump()) out.append("    ").append(d).append('\n');
    }
    if (!j.requests.log.isEmpty()) {
      out.append("  log\n");
      for (String l : j.requests.log) out.append("    ").append(l).append('\n');
      if (j.requests.logDropped > 0) out.append("    ... ").append(j.requests.logDropped).append(" more lines not kept\n");
    }
  }

  private static void line(StringBuilder out, String label, String value) {
    out.append("  ").append(label).append(" ".repeat(Math.max(1, 24 - label.length()))).append(value).append('\n');
  }

  static void json(ObjectNode o, JsPolicy j) {
    ObjectNode js = o.putObject("js");
    js.put("file", j.spec.file());
    js.put("base", j.spec.base());
    for (String c : j.spec.counters()) js.put(c, (Double) j.metric(c));
    for (String b : JsPolicy.BUILTIN_METRICS) {
      Object v = j.metric(b);
      if (v instanceof Double d) js.put(b, d); else js.put(b, String.valueOf(v));
    }
    Ejection e = j.ejectionInfo();
    if (e != null) {
      ObjectNode x = js.putObject("ejection");
      x.put("kind", e.kind());
      x.put("hook", e.hook());
      x.put("reason", e.reason());
      x.put("js", e.js());
      x.put("at", e.at());
      x.put("time_ns", e.timeNs());
      ArrayNode d = x.putArray("dump");
      e.dump().forEach(d::add);
    }
    ArrayNode log = js.putArray("log");
    j.requests.log.forEach(log::add);
  }
}
