package dev.kss.repl;

import dev.kss.ast.Stmt;
import dev.kss.check.PolicyDef;
import dev.kss.check.Program;
import dev.kss.grammar.KssLexer;
import dev.kss.machine.metrics.MetricCatalog;
import dev.kss.machine.sched.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The names the completer offers: keywords, threads, policies, dists and metrics. */
final class Names {
  private Names() {}

  /** The language's keywords, from the grammar. */
  static final Set<String> KEYWORDS = keywords();

  private static Set<String> keywords() {
    Set<String> out = new TreeSet<>();
    for (int i = 1; i <= KssLexer.VOCABULARY.getMaxTokenType(); i++) {
      String lit = KssLexer.VOCABULARY.getLiteralName(i);
      if (lit != null && lit.matches("'[a-z_]+'")) out.add(lit.substring(1, lit.length() - 1));
    }
    return out;
  }

  static List<String> all(Debugger d) {
    Set<String> out = new TreeSet<>(KEYWORDS);
    Program p = d.checker().program();
    out.addAll(p.families());
    out.addAll(liveThreads(d));
    for (PolicyDef def : p.policies()) out.add(def.name());
    dists(p.statements(), out);
    dists(d.typed(), out);
    out.addAll(metrics(d, true));
    return new ArrayList<>(out);
  }

  static List<String> liveThreads(Debugger d) {
    List<String> out = new ArrayList<>();
    for (Task t : d.session().machine().liveTasks()) out.add(t.name);
    return out;
  }

  static int cpus(Debugger d) { return d.checker().program().machine().cpus; }

  /** Metric names, and with {@code scoped} also POLICY.metric for each policy. */
  static List<String> metrics(Debugger d, boolean scoped) {
    List<String> out = new ArrayList<>();
    for (MetricCatalog.Info i : MetricCatalog.all()) out.add(i.name());
    if (scoped) for (PolicyDef def : d.checker().program().policies())
      for (MetricCatalog.Info i : MetricCatalog.all()) out.add(def.name() + "." + i.name());
    for (int c = 0; c < cpus(d); c++) for (String name : MetricCatalog.PER_CPU.keySet()) out.add("cpu[" + c + "]." + name);
    return out;
  }

  private static void dists(List<Stmt> body, Set<String> out) {
    for (Stmt s : body) {
      switch (s) {
        case Stmt.DistDecl dd -> out.add(dd.name().name());
        case Stmt.Repeat r -> dists(r.body(), out);
        case Stmt.For f -> dists(f.body(), out);
        case Stmt.If i -> { dists(i.then(), out); dists(i.otherwise(), out); }
        default -> {}
      }
    }
  }
}
