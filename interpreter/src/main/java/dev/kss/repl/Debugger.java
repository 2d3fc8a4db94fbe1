package dev.kss.repl;

import dev.kss.ast.Event;
import dev.kss.ast.EventKind;
import dev.kss.ast.Expr;
import dev.kss.ast.Pos;
import dev.kss.ast.Script;
import dev.kss.ast.ScriptError;
import dev.kss.ast.Source;
import dev.kss.ast.Stmt;
import dev.kss.check.Checker;
import dev.kss.check.Type;
import dev.kss.parse.Parser;
import dev.kss.run.Format;
import dev.kss.run.Options;
import dev.kss.run.Session;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The REPL without the terminal: a checker and a session that .kss input and the {@code :}
 * commands drive, breakpoints, watches and displays, and a {@link Timeline} for going back.
 * Everything it says goes to {@code out}; no error ever escapes {@link #handle}.
 */
public final class Debugger {
  /** What {@code :break} can stop on besides lines and conditions: every event keyword. */
  static final List<String> EVENT_KINDS = EventKind.keywords();

  private final PrintWriter out;
  private final Commands commands = new Commands();
  private final Timeline timeline = new Timeline(Math.max(64L << 20, Runtime.getRuntime().maxMemory() / 4));
  private final List<Point> points = new ArrayList<>();
  /** Statements typed at the prompt (for completion: their dists and threads). */
  private final List<Stmt> typed = new ArrayList<>();
  private final Inspector inspector = new Inspector();
  private Checker checker;
  private Session session;
  private final Options options;
  /** The loaded script, or null (line breakpoints refer to it). */
  private Source script;
  /** While replaying, print statements stay quiet. */
  private boolean quiet;
  private volatile boolean interrupted;
  private int inputs;
  private int nextId = 1;

  /** A breakpoint, watch or display: {@code kind} is "break", "watch" or "display". */
  private static final class Point {
    final int id;
    final String kind, text;
    int line;
    String event;
    Expr expr;
    String last;

    Point(int id, String kind, String text) {
      this.id = id;
      this.kind = kind;
      this.text = text;
    }

    String describe() {
      return id + ": " + kind + " " + text;
    }
  }

  /** A REPL with the stdlib modules only. */
  public Debugger(PrintWriter out) { this(out, Options.defaults()); }

  /** {@code base}: where modules and hook modules come from (the CLI gives the JS bridge). */
  public Debugger(PrintWriter out, Options base) {
    this.out = out;
    this.options = base.withPrinter(line -> { if (!quiet) out.println(line); });
    fresh(null);
  }

  public Commands commands() { return commands; }

  /** The live session (tests, the completer). */
  public Session session() { return session; }

  Checker checker() { return checker; }

  List<Stmt> typed() { return typed; }

  /** Stops a running {@code :continue} (or a long input) at the next event: Ctrl-C. */
  public void interrupt() {
    interrupted = true;
    Session s = session;
    if (s != null) s.interrupt();
  }

  /** Handles one input (a command or .kss statements); false when the REPL should end. */
  public boolean handle(String input) {
    interrupted = false;
    try {
      String line = input.strip();
      if (line.isEmpty()) return true;
      if (line.startsWith(":")) return command(line);
      input(input);
    } catch (ScriptError e) {
      out.print(e.render());
    } catch (StackOverflowError e) {
      out.println("error: the input is nested too deeply");
    } catch (RuntimeException e) {
      out.println("internal error: " + e);
    } finally {
      out.flush();
    }
    return true;
  }

  // ---- sessions

  /** A new checker and session, over {@code source} (loaded, not run) or nothing; unchanged if the source is wrong. */
  private void fresh(Source source) {
    Checker c = new Checker(options.modules());
    if (source != null) c.add(Parser.parse(source));
    checker = c;
    script = source;
    start();
  }

  /** The loaded program from its first statement, with no past. */
  private void start() {
    session = new Session(checker.program(), options);
    timeline.reset(session, () -> new Session(checker.program(), options));
    inspector.forget();
  }

  /** Statements typed at the prompt: checked against the same names, then run at once, before the rest of the script. */
  private void input(String text) {
    Script s = Parser.parse(Source.of("<input " + ++inputs + ">", text.endsWith("\n") ? text : text + "\n"));
    List<Stmt> added = adopt(s);
    if (added.isEmpty()) return;
    if (added.stream().allMatch(st -> st instanceof Stmt.Print)) {
      // only looking: not part of the past
      run(Long.MAX_VALUE, session.insert(added), false);
      return;
    }
    Checkpoint before = timeline.unavailable() == null ? Checkpoint.of(session) : null;
    long start = session.events();
    Timeline.Input in = timeline.input(session, added);
    int floor = session.insert(added);
    try {
      run(Long.MAX_VALUE, floor, false);
      in.complete = session.events() == start && session.depth() < floor;
    } catch (ScriptError e) {
      // the input never happened
      timeline.cancel(in, start);
      session = before != null ? before.restore() : timeline.at(start, this::quietly);
      throw e;
    }
  }

  /** Checks {@code s} into the program without leaving it in the script's own statements (it runs where the cursor is). */
  private List<Stmt> adopt(Script s) {
    List<Stmt> all = checker.program().statements();
    int n = all.size();
    checker.add(s);
    List<Stmt> added = new ArrayList<>(all.subList(n, all.size()));
    all.subList(n, all.size()).clear();
    typed.addAll(added);
    return added;
  }

  /** A checked expression typed after a command; {@code want} its type or null for any. */
  private Expr expression(String text, Type want) {
    if (text.isBlank()) throw new IllegalArgumentException("expected an expression");
    Script s = Parser.parse(Source.of("<expr " + ++inputs + ">", "print " + text + "\n"));
    if (s.statements().size() != 1 || !(s.statements().get(0) instanceof Stmt.Print p) || p.values().size() != 1)
      throw new IllegalArgumentException("expected one expression");
    adopt(s);
    Expr e = p.values().get(0);
    Type t = checker.program().type(e);
    if (want != null && t != want) throw new ScriptError(e.pos(), "expected " + want.words + ", not " + t.words);
    return e;
  }

  private String value(Expr e) {
    try {
      return session.value(e);
    } catch (ScriptError x) {
      return "<" + x.getMessage() + ">";
    }
  }

  // ---- running

  /**
   * Runs up to {@code max} events; with {@code floor} > 0, until the cursor leaves that block.
   * Stops at breakpoints and watches when {@code breaks}, and on Ctrl-C. Says why it stopped.
   */
  private void run(long max, int floor, boolean breaks) {
    long done = 0;
    double violations = violations();
    String why = null;
    while (done < max) {
      if (interrupted) { why = "interrupted"; break; }
      long t0 = System.nanoTime();
      boolean ran;
      try {
        ran = session.step(floor);
      } catch (ScriptError e) {
        recover();
        throw e;
      }
      timeline.ran(session, System.nanoTime() - t0);
      if (!ran) break;
      done++;
      timeline.arrived(session);
      double v = violations();
      if (v != violations) {
        out.println("violation: " + inspector.violations(session));
        violations = v;
        if (breaks && breakOnViolation()) { why = "stopped at a violation"; break; }
      }
      if (floor > 0 && session.depth() < floor) break;
      if (breaks && (why = hit()) != null) break;
    }
    if (why != null && !why.isEmpty()) out.println(why);
  }

  /** After a runtime error the session is half way through an event: back to just after the last whole one. */
  private void recover() {
    session = timeline.at(session.events(), this::quietly);
  }

  private double violations() {
    Object v = session.machine().metric("violations.total", null);
    return v instanceof Number n ? n.doubleValue() : 0;
  }

  private boolean breakOnViolation() {
    for (Point p : points) if (p.kind.equals("break") && p.text.equals("violation")) return true;
    return false;
  }

  /** The first breakpoint or watch that fires now, described; "" for one that fired silently; null for none. */
  private String hit() {
    Stmt next = session.next();
    String fired = null;
    for (Point p : points) {
      switch (p.kind) {
        case "break" -> {
          if (p.line > 0 && next != null && next.pos().source() == script && next.pos().line() == p.line
              || p.event != null && next instanceof Event e && keyword(e).equals(p.event)) {
            if (fired == null) fired = "breakpoint " + p.id + ": " + p.text;
          } else if (p.expr != null) {
            String v = value(p.expr), was = p.last;
            p.last = v;
            if (v.equals("true") && !"true".equals(was) && fired == null) fired = "breakpoint " + p.id + ": " + p.text + " is true";
          }
        }
        case "watch" -> {
          String v = value(p.expr), was = p.last;
          p.last = v;
          if (!v.equals(was) && fired == null) fired = "watch " + p.id + ": " + p.text + ": " + was + " -> " + v;
        }
        default -> {}
      }
    }
    return fired;
  }

  /** Runs a replay without printing. */
  private void quietly(Runnable replay) {
    quiet = true;
    try {
      replay.run();
    } finally {
      quiet = false;
    }
  }

  /** Where the cursor is, and the displays: shown at every stop. */
  private void where() {
    Stmt next = session.next();
    String at = "[event " + session.events() + ", " + inspector.time(session)
        + (session.lastCpu() >= 0 ? ", cpu " + session.lastCpu() + " ran it at " + Format.nanos(session.machine().now(session.lastCpu())) : "") + "]";
    if (next == null) out.println(at + " at the end");
    else out.println(at + " next: " + location(next.pos()) + "  " + next.pos().source().line(next.pos().line()).strip());
    for (Point p : points) if (p.kind.equals("display")) out.println(p.id + ": " + p.text + " = " + value(p.expr));
  }

  private String location(Pos pos) {
    return (pos.source() == script ? "line " : pos.source().name() + ":") + pos.line();
  }

  static String keyword(Event e) { return e.kind().keyword; }

  /** Refreshes what watches and when-breakpoints compare against (after a jump in time). */
  private void rebase() {
    for (Point p : points) if (p.expr != null && !p.kind.equals("display")) p.last = value(p.expr);
  }

  // ---- commands

  private boolean command(String line) {
    int sp = line.indexOf(' ');
    String name = sp < 0 ? line : line.substring(0, sp);
    String arg = sp < 0 ? "" : line.substring(sp + 1).strip();
    Commands.Command c = commands.find(name);
    if (c == null) {
      out.println("unknown command " + name + "; :help lists them");
      return true;
    }
    try {
      return execute(c.name(), arg);
    } catch (IllegalArgumentException e) {
      out.println(c.name() + ": " + e.getMessage() + " (usage: " + c.usage() + ")");
      return true;
    }
  }

  private boolean execute(String name, String arg) {
    switch (name) {
      case ":help" -> out.print(commands.help(arg));
      case ":quit" -> { return false; }
      case ":load" -> load(arg);
      case ":step" -> { run(count(arg, 1), 0, true); where(); }
      case ":next" -> next();
      case ":continue" -> { run(Long.MAX_VALUE, 0, true); where(); }
      case ":back" -> back(count(arg, 1));
      case ":reset" -> { start(); rebase(); where(); }
      case ":where" -> where();
      case ":break" -> breakpoint(arg);
      case ":watch" -> watch("watch", arg);
      case ":display" -> {
        if (arg.isEmpty()) for (Point p : points) { if (p.kind.equals("display")) out.println(p.id + ": " + p.text + " = " + value(p.expr)); }
        else watch("display", arg);
      }
      case ":delete" -> delete(arg);
      case ":show" -> out.print(inspector.show(session, arg));
      case ":metrics" -> out.print(inspector.metrics(session, arg));
      default -> throw new IllegalStateException(name);
    }
    return true;
  }

  private static long count(String arg, long otherwise) {
    if (arg.isEmpty()) return otherwise;
    try {
      long n = Long.parseLong(arg.replace("_", ""));
      if (n < 1) throw new IllegalArgumentException("expected a count of 1 or more, not " + arg);
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a count, not '" + arg + "'");
    }
  }

  private void load(String arg) {
    if (arg.isEmpty()) throw new IllegalArgumentException("expected a file");
    String file = arg.startsWith("\"") && arg.endsWith("\"") && arg.length() > 1 ? arg.substring(1, arg.length() - 1) : arg;
    Source source;
    try {
      source = Source.read(Path.of(file), file);
    } catch (NoSuchFileException e) {
      out.println("cannot read " + file + ": no such file");
      return;
    } catch (ScriptError e) { // not UTF-8
      out.print(e.render());
      return;
    } catch (IOException | RuntimeException e) {
      out.println("cannot read " + file + ": " + e.getMessage());
      return;
    }
    fresh(source);
    points.removeIf(p -> p.line > 0);
    rebase();
    out.println("loaded " + file + ": " + checker.program().statements().size() + " statements, none run yet (:step, :next, :continue)");
    where();
  }

  private void next() {
    Stmt s = session.next();
    boolean block = s instanceof Stmt.Repeat || s instanceof Stmt.For || s instanceof Stmt.If
        || s instanceof Event.Syscall || s instanceof Event.Guarded;
    if (block) run(Long.MAX_VALUE, session.depth() + 1, true);
    else run(1, 0, true);
    where();
  }

  private void back(long n) {
    long target = Math.max(0, session.events() - n);
    session = timeline.at(target, this::quietly);
    rebase();
    where();
  }

  private void breakpoint(String arg) {
    if (arg.isEmpty()) {
      boolean any = false;
      for (Point p : points) if (!p.kind.equals("display")) { out.println(p.describe()); any = true; }
      if (!any) out.println("no breakpoints or watches");
      return;
    }
    Point p = new Point(nextId, "break", arg);
    if (arg.matches("\\d+")) {
      if (script == null) throw new IllegalArgumentException("a line breakpoint needs a loaded script");
      p.line = Integer.parseInt(arg);
    } else if (EVENT_KINDS.contains(arg)) {
      p.event = arg;
    } else if (arg.startsWith("when ")) {
      p.expr = expression(arg.substring(5), Type.BOOL);
      p.last = value(p.expr);
    } else if (!arg.equals("violation")) {
      throw new IllegalArgumentException("expected a line number, an event (fork, touch, ...), violation, or when CONDITION");
    }
    nextId++;
    points.add(p);
    out.println("breakpoint " + p.id + ": " + arg);
  }

  private void watch(String kind, String arg) {
    Expr e = expression(arg, null);
    Point p = new Point(nextId++, kind, arg.strip());
    p.expr = e;
    p.last = value(e);
    points.add(p);
    out.println(p.id + ": " + p.text + " = " + p.last);
  }

  private void delete(String arg) {
    if (arg.isEmpty()) {
      points.clear();
      out.println("deleted all breakpoints, watches and displays");
      return;
    }
    int id = (int) count(arg, 0);
    if (!points.removeIf(p -> p.id == id)) throw new IllegalArgumentException("there is no " + id);
    out.println("deleted " + id);
  }
}
