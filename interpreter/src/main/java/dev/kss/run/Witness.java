package dev.kss.run;

import dev.kss.ast.Source;
import dev.kss.ast.Stmt;
import dev.kss.check.Program;
import java.util.List;

/**
 * {@code --witness FILE.kss}: the shortest interleaving an explore found, as a script that runs on
 * its own: the script's lines before the explore (earlier explores run as the parallel blocks they
 * stand for, their quantified expectations left out), then each event of the interleaving as a
 * one-event {@code parallel { cpu N { ... } }} block, in the order found (each starts when the one
 * before has ended, so the order is kept), then the expectation as a plain one. The REPL loads it
 * and {@code :step} walks it.
 */
public final class Witness {
  private Witness() {}

  /** The witness of the first quantified expectation that has one, or null. */
  public static String script(Session s) {
    for (Expectation e : s.expectations()) {
      Explorer.Verdict v = e.verdict();
      if (v != null && !v.witness().isEmpty()) return script(s.program(), v);
    }
    return null;
  }

  static String script(Program program, Explorer.Verdict v) {
    Stmt.Expect x = v.expect();
    Stmt.Explore explore = null;
    for (Stmt st : program.statements())
      if (st instanceof Stmt.Explore e && program.quantified(e).contains(x)) explore = e;
    Source src = x.pos().source();
    String[] lines = src.text().split("\n", -1);
    int stop = explore == null ? 0 : explore.pos().line() - 1;
    StringBuilder out = new StringBuilder();
    out.append("# The shortest interleaving kss explore found for line ").append(x.pos().line()).append(" of ").append(src.name())
        .append(":\n#   expect ").append(x.quantifier().keyword()).append(' ').append(x.text()).append("\n# (")
        .append(v.summary()).append(")\n# Each event is a one-event parallel block, in the order found.\n\n");
    for (int i = 0; i < stop && i < lines.length; i++) {
      int line = i + 1;
      String text = lines[i];
      for (Stmt st : program.statements()) {
        if (st instanceof Stmt.Explore e && e.pos().line() == line && e.pos().source() == src)
          text = text.substring(0, e.pos().col() - 1) + "parallel" + text.substring(e.pos().col() - 1 + "explore".length());
        if (st instanceof Stmt.Expect q && q.quantifier() != null && q.pos().line() == line && q.pos().source() == src)
          text = "# (explored) " + text;
      }
      out.append(text).append('\n');
    }
    out.append("\n# the interleaving (explore at line ").append(explore == null ? "?" : explore.pos().line()).append(")\n");
    for (Explorer.Step st : v.witness())
      out.append("parallel { cpu ").append(st.cpu()).append(" { ").append(st.text()).append(" } }   # line ").append(st.line()).append('\n');
    out.append('\n');
    boolean shows = x.quantifier() != Stmt.Quantifier.ALWAYS;
    out.append("expect ").append(shows ? x.text() : "not (" + x.text() + ")").append('\n');
    return out.toString();
  }

}
