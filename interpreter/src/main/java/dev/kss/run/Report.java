package dev.kss.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kss.check.PolicyDef;
import dev.kss.machine.Machine;
import dev.kss.machine.metrics.MetricCatalog;
import dev.kss.machine.stack.Policy;
import dev.kss.trace.Replay;
import dev.kss.trace.TraceMetric;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a finished run reports: every metric, grouped by area, for the whole machine and then for
 * each policy used; then every expectation with PASS/FAIL and the values it compared. Text for
 * people, JSON for tools; both depend only on the script and the seed.
 */
public final class Report {
  private Report() {}

  public static String text(Session s, String file) {
    StringBuilder out = new StringBuilder();
    Machine m = s.machine();
    out.append("kss ").append(file).append("  seed ").append(s.seed()).append("  ")
        .append(s.events()).append(s.events() == 1 ? " event" : " events")
        .append("  simulated time ").append(Format.nanos(m.now())).append("\n");
    section(out, "machine", m, null);
    for (PolicyDef def : s.usedPolicies()) {
      section(out, "policy " + def.name(), m, s.policy(def));
      AttachedHooks h = Session.hooks(s.policy(def));
      if (h != null) h.report(out);
    }
    Replay replay = s.lastReplay();
    if (replay != null) {
      out.append("\n== trace ").append(replay.survey().file).append(" ==\n");
      for (TraceMetric t : TraceMetric.values())
        out.append("  ").append(pad(t.key.substring("trace.".length()), 24)).append(Format.metric(replay.value(t), t.unit)).append('\n');
    }
    List<Expectation> expectations = s.expectations();
    if (!expectations.isEmpty()) {
      out.append("\n== expectations ==\n");
      int failed = 0;
      for (Expectation e : expectations) {
        if (!e.passed()) failed++;
        out.append(e.passed() ? "PASS  " : "FAIL  ").append(e.stmt().pos().lineCol()).append("  expect ")
            .append(e.stmt().quantifier() == null ? "" : e.stmt().quantifier().keyword() + " ").append(e.stmt().text()).append("   (").append(e.values()).append(")");
        if (e.runs() > 1) out.append("  [ran ").append(e.runs()).append(" times, ").append(e.failures()).append(" failed]");
        out.append('\n');
        if (e.verdict() != null) witness(out, e.verdict());
      }
      out.append(expectations.size()).append(expectations.size() == 1 ? " expectation: " : " expectations: ")
          .append(failed == 0 ? "all held" : failed + " failed").append('\n');
    }
    return out.toString();
  }

  /** One scope's metrics: an area per heading, latencies as a table (one row per operation). */
  private static void section(StringBuilder out, String title, Machine m, Policy scope) {
    out.append("\n== ").append(title).append(" ==\n");
    Map<String, Map<String, String>> latency = new LinkedHashMap<>();
    String area = null;
    for (MetricCatalog.Info info : MetricCatalog.all()) {
      String value = Format.metric(m.metric(info.name(), scope), info.unit());
      String[] parts = info.name().split("\\.");
      if (info.area().equals("latency") && parts.length == 3) {
        latency.computeIfAbsent(parts[1], k -> new LinkedHashMap<>()).put(parts[2], value);
        continue;
      }
      if (!info.area().equals(area)) {
        area = info.area();
        out.append(area).append('\n');
      }
      String label = info.name().startsWith(area + ".") ? info.name().substring(area.length() + 1) : info.name();
      out.append("  ").append(pad(label, 24)).append(value).append('\n');
    }
    if (!latency.isEmpty()) {
      List<String> stats = new ArrayList<>(latency.values().iterator().next().keySet());
      out.append(pad("latency", 10));
      for (String st : stats) out.append(padLeft(st, 12));
      out.append('\n');
      latency.forEach((op, row) -> {
        out.append("  ").append(pad(op, 8));
        for (String st : stats) out.append(padLeft(row.getOrDefault(st, "-"), 12));
        out.append('\n');
      });
    }
  }

  /** The shortest interleaving that shows a quantified expectation's verdict, event by event, and what it left. */
  private static void witness(StringBuilder out, Explorer.Verdict v) {
    if (v.witness().isEmpty()) return;
    out.append("      shortest interleaving that shows it (").append(v.witness().size()).append(v.witness().size() == 1 ? " event):\n" : " events):\n");
    int i = 1;
    for (Explorer.Step st : v.witness())
      out.append("      ").append(padLeft(String.valueOf(i++), 3)).append(". cpu ").append(st.cpu()).append("  line ").append(st.line()).append("  ").append(st.text()).append('\n');
    out.append("      at its end: ").append(v.values()).append('\n');
    for (String f : v.findings()) out.append("      ").append(f).append('\n');
  }

  private static String pad(String s, int n) { return s.length() >= n ? s + " " : s + " ".repeat(n - s.length()); }
  private static String padLeft(String s, int n) { return s.length() >= n ? " " + s : " ".repeat(n - s.length()) + s; }

  public static ObjectNode json(Session s, String file) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    Machine m = s.machine();
    root.put("file", file);
    root.put("seed", s.seed());
    root.put("events", s.events());
    root.put("passed", s.allExpectationsHeld());
    ObjectNode metrics = root.putObject("metrics");
    metrics.set("global", metrics(m, null));
    ObjectNode policies = metrics.putObject("policies");
    for (PolicyDef def : s.usedPolicies()) {
      ObjectNode o = metrics(m, s.policy(def));
      AttachedHooks h = Session.hooks(s.policy(def));
      if (h != null) h.report(o);
      policies.set(def.name(), o);
    }
    Replay replay = s.lastReplay();
    if (replay != null) {
      ObjectNode t = root.putObject("trace");
      t.put("file", replay.survey().file);
      for (TraceMetric x : TraceMetric.values()) number(t, x.key, replay.value(x));
    }
    ArrayNode expectations = root.putArray("expectations");
    for (Expectation e : s.expectations()) {
      ObjectNode x = expectations.addObject();
      x.put("line", e.stmt().pos().line());
      x.put("col", e.stmt().pos().col());
      x.put("expect", e.stmt().text());
      x.put("passed", e.passed());
      x.put("values", e.values());
      x.put("runs", e.runs());
      x.put("failures", e.failures());
      Explorer.Verdict v = e.verdict();
      if (v != null) {
        ObjectNode ex = x.putObject("explore");
        ex.put("quantifier", v.expect().quantifier().keyword());
        ex.put("matching", v.matching());
        ex.put("interleavings", v.interleavings());
        ex.put("states", v.states());
        ex.put("complete", v.complete());
        ArrayNode w = ex.putArray("witness");
        for (Explorer.Step st : v.witness()) w.addObject().put("cpu", st.cpu()).put("line", st.line()).put("events", st.text());
        ArrayNode fs = ex.putArray("findings");
        for (String finding : v.findings()) fs.add(finding);
      }
    }
    return root;
  }

  private static ObjectNode metrics(Machine m, Policy scope) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    for (MetricCatalog.Info info : MetricCatalog.all()) {
      Object v = m.metric(info.name(), scope);
      if (v instanceof String str) o.put(info.name(), str);
      else if (v instanceof Number n) number(o, info.name(), n.doubleValue());
      else o.putNull(info.name());
    }
    return o;
  }

  /** A figure as JSON: whole numbers as integers, NaN (not known) as null. */
  public static void number(ObjectNode o, String key, double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) o.putNull(key);
    else if (d == Math.rint(d) && Math.abs(d) < 9e15) o.put(key, (long) d);
    else o.put(key, d);
  }

  public static String jsonText(Session s, String file) {
    try {
      return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json(s, file)) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
