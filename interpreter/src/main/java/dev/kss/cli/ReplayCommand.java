package dev.kss.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kss.ast.ScriptError;
import dev.kss.ast.Source;
import dev.kss.check.Checker;
import dev.kss.check.Modules;
import dev.kss.check.Nearest;
import dev.kss.check.PolicyDef;
import dev.kss.parse.Parser;
import dev.kss.run.Format;
import dev.kss.run.Options;
import dev.kss.run.Report;
import dev.kss.run.Session;
import dev.kss.machine.metrics.Metric;
import dev.kss.trace.PerfScript;
import dev.kss.trace.Replay;
import dev.kss.trace.TraceError;
import dev.kss.trace.TraceMetric;
import dev.kss.trace.TraceSurvey;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code kss replay TRACE --policy A --policy B ...}: one trace under each policy, each on its own
 * machine sized from the trace (its CPUs), run in parallel on the cores, printed side by side with
 * the recorded kernel's own figures when the trace holds its vmalloc events. Each run is the
 * script {@code machine { cpus N } use ... replay "TRACE" policy P}, so it is exactly what a
 * scenario with that replay statement would report.
 */
final class ReplayCommand {
  /** The columns' rows: a label, the metric, and the recorded kernel's figure for it (or null). */
  private record Row(String label, String metric, Metric.Unit unit, TraceMetric kernel) {}

  private static final List<Row> ROWS = List.of(
      new Row("stack memory, mean", "stacks.resident_mean", Metric.Unit.BYTES, null),
      new Row("stack memory, peak", "stacks.resident_peak", Metric.Unit.BYTES, null),
      new Row("cache hit rate", "cache.hit_rate", Metric.Unit.RATIO, TraceMetric.KERNEL_FORK_HIT_RATE),
      new Row("stacks built anew (vmalloc...)", "alloc.slow", Metric.Unit.COUNT, TraceMetric.KERNEL_STACK_VMALLOCS),
      new Row("cache hits on another node", "cache.remote", Metric.Unit.COUNT, null),
      new Row("stack faults", "faults.stack", Metric.Unit.COUNT, null),
      new Row("TLB shootdowns", "tlb.shootdowns", Metric.Unit.COUNT, null),
      new Row("IPIs", "ipis", Metric.Unit.COUNT, null),
      new Row("violations", "violations.total", Metric.Unit.COUNT, null));

  private final PrintStream out, err;

  ReplayCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  int run(String trace, List<String> policies, Integer cpus, String rcuGp, Long seed, Path json, boolean check, int jobs) {
    if (rcuGp != null && !rcuGp.matches("[0-9]+(\\.[0-9]+)? ?(ns|us|ms|s)")) {
      err.println("kss replay: --rcu-gp takes a duration such as 8ms, not '" + rcuGp + "'");
      return 2;
    }
    Path file = Path.of(trace).toAbsolutePath().normalize();
    TraceSurvey survey;
    try (PerfScript in = PerfScript.open(file, trace)) {
      survey = TraceSurvey.of(in);
    } catch (TraceError e) {
      err.println("kss replay: " + e.describe());
      return 2;
    }
    int n = cpus != null ? cpus : Math.max(1, survey.cpus);
    if (n < survey.cpus) {
      err.println("kss replay: the trace ran on " + survey.cpus + " CPUs, more than --cpus " + n);
      return 2;
    }
    List<String> known = new ArrayList<>();
    for (PolicyDef d : stdlibPolicies()) known.add(d.name());
    if (policies.isEmpty()) policies = List.of("default");
    for (String p : policies) {
      if (!known.contains(p)) {
        err.println("kss replay: unknown policy '" + p + "'" + Nearest.didYouMean(p, known)
            + " (the stdlib policies: " + String.join(", ", known) + ")");
        return 2;
      }
    }
    Options options = dev.kss.js.Js.enable(Options.defaults()).withSeed(seed).withCheck(check).withPrinter(s -> {});
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(jobs, policies.size())));
    Map<String, Future<Session>> runs = new LinkedHashMap<>();
    try {
      for (String p : policies) runs.put(p, pool.submit(() -> replay(file, p, n, rcuGp, options)));
      Map<String, Session> done = new LinkedHashMap<>();
      for (var e : runs.entrySet()) {
        try {
          done.put(e.getKey(), e.getValue().get());
        } catch (java.util.concurrent.ExecutionException x) {
          Throwable c = x.getCause();
          err.println("kss replay: " + e.getKey() + ": " + (c instanceof ScriptError se ? se.getMessage() : "internal error: " + c));
          return 2;
        } catch (InterruptedException x) {
          Thread.currentThread().interrupt();
          return 2;
        }
      }
      Replay any = done.values().iterator().next().lastReplay();
      out.print(table(trace, n, any, done));
      if (json != null) return writeJson(json, trace, n, any, done);
      return 0;
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<PolicyDef> stdlibPolicies() {
    StringBuilder s = new StringBuilder();
    for (String m : Modules.STDLIB) s.append("use ").append(m).append('\n');
    Checker c = new Checker(Modules.CLASSPATH);
    c.add(Parser.parse(Source.of("stdlib", s.toString())));
    return c.program().policies();
  }

  /** The replay of {@code file} under {@code policy} on a machine of {@code cpus} CPUs, run to its end. */
  private static Session replay(Path file, String policy, int cpus, String rcuGp, Options options) {
    StringBuilder s = new StringBuilder("machine { cpus ").append(cpus);
    if (rcuGp != null) s.append("; rcu gp ").append(rcuGp);
    s.append(" }\n");
    for (String m : Modules.STDLIB) s.append("use ").append(m).append('\n');
    s.append("replay \"").append(file.toString().replace("\\", "\\\\").replace("\"", "\\\"")).append("\" policy ").append(policy).append('\n');
    Checker c = new Checker(options.modules());
    c.add(Parser.parse(Source.of("kss replay", s.toString())));
    Session session = new Session(c.program(), options);
    session.runToEnd();
    return session;
  }

  private static String table(String trace, int cpus, Replay r, Map<String, Session> runs) {
    StringBuilder out = new StringBuilder();
    out.append("kss replay ").append(trace).append(": ").append(Format.metric(r.value(TraceMetric.EVENTS), Metric.Unit.COUNT)).append(" events, ")
        .append(Format.metric(r.value(TraceMetric.FORKS), Metric.Unit.COUNT)).append(" forks, ")
        .append(Format.metric(r.value(TraceMetric.EXITS), Metric.Unit.COUNT)).append(" exits, ")
        .append(Format.nanos(r.value(TraceMetric.DURATION))).append(" on ").append(r.survey().cpus)
        .append(r.survey().cpus == 1 ? " CPU" : " CPUs").append(" (machine: ").append(cpus).append(cpus == 1 ? " CPU)\n" : " CPUs)\n");
    boolean kernel = r.kernel().recorded();
    List<String> heads = new ArrayList<>(runs.keySet());
    if (kernel) heads.add("kernel (recorded)");
    int first = 0;
    for (Row row : ROWS) first = Math.max(first, row.label.length());
    int[] width = new int[heads.size()];
    List<String[]> cells = new ArrayList<>();
    for (Row row : ROWS) {
      String[] c = new String[heads.size()];
      int i = 0;
      for (Session s : runs.values()) {
        PolicyDef def = s.usedPolicies().get(0);
        c[i++] = Format.metric(s.machine().metric(row.metric, s.policy(def)), row.unit);
      }
      if (kernel) c[i] = row.kernel == null ? "-" : Format.metric(r.value(row.kernel), row.kernel.unit);
      cells.add(c);
    }
    for (int i = 0; i < heads.size(); i++) {
      width[i] = heads.get(i).length();
      for (String[] c : cells) width[i] = Math.max(width[i], c[i].length());
    }
    out.append(" ".repeat(first));
    for (int i = 0; i < heads.size(); i++) out.append("  ").append(padLeft(heads.get(i), width[i]));
    out.append('\n');
    for (int k = 0; k < ROWS.size(); k++) {
      out.append(pad(ROWS.get(k).label, first));
      for (int i = 0; i < heads.size(); i++) out.append("  ").append(padLeft(cells.get(k)[i], width[i]));
      out.append('\n');
    }
    if (!kernel) out.append("(the trace holds no vmalloc events: the recorded kernel's figures are unknown)\n");
    return out.toString();
  }

  private int writeJson(Path json, String trace, int cpus, Replay r, Map<String, Session> runs) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("trace", trace);
    root.put("cpus", cpus);
    ObjectNode t = root.putObject("recorded");
    for (TraceMetric m : TraceMetric.values()) Report.number(t, m.key, r.value(m));
    ObjectNode ps = root.putObject("policies");
    for (var e : runs.entrySet()) {
      Session s = e.getValue();
      ObjectNode o = ps.putObject(e.getKey());
      for (Row row : ROWS) {
        Object v = s.machine().metric(row.metric, s.policy(s.usedPolicies().get(0)));
        Report.number(o, row.metric, v instanceof Number x ? x.doubleValue() : Double.NaN);
      }
    }
    try {
      Files.writeString(json, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
      return 0;
    } catch (IOException e) {
      err.println("kss replay: cannot write " + json + ": " + e.getMessage());
      return 2;
    }
  }

  private static String pad(String s, int n) { return s + " ".repeat(Math.max(0, n - s.length())); }
  private static String padLeft(String s, int n) { return " ".repeat(Math.max(0, n - s.length())) + s; }
}
