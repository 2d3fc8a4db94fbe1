package dev.kss.parse;

import dev.kss.ast.Event;
import dev.kss.ast.EventKind;
import dev.kss.ast.Expr;
import dev.kss.ast.Ident;
import dev.kss.ast.Pos;
import dev.kss.ast.ScriptError;
import dev.kss.ast.Setting;
import dev.kss.ast.Source;
import dev.kss.ast.Stmt;
import dev.kss.ast.ThreadRef;
import dev.kss.ast.Unit;
import dev.kss.grammar.KssBaseVisitor;
import dev.kss.grammar.KssParser;
import dev.kss.grammar.KssParser.*;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;
import org.antlr.v4.runtime.misc.Interval;

/** The parse tree to immutable AST records; nothing downstream sees ANTLR's contexts. */
final class AstBuilder extends KssBaseVisitor<Object> {
  private final Source source;

  AstBuilder(Source source, TokenStream tokens) { this.source = source; }

  List<Stmt> statements(ScriptContext script) { return stmts(script.stmt()); }

  Stmt statement(StmtContext s) { return (Stmt) visit(s); }

  private List<Stmt> stmts(List<StmtContext> list) {
    List<Stmt> out = new ArrayList<>(list.size());
    for (StmtContext s : list) out.add((Stmt) visit(s));
    return List.copyOf(out);
  }

  private List<Stmt> block(BlockContext b) { return b == null ? List.of() : stmts(b.stmt()); }

  private Pos pos(Token t) { return new Pos(source, t.getLine(), t.getCharPositionInLine() + 1); }
  private Pos pos(ParserRuleContext c) { return pos(c.getStart()); }
  private Ident ident(Token t) { return new Ident(pos(t), t.getText()); }
  private Ident ident(PolicyNameContext c) { return c == null ? null : new Ident(pos(c), c.getText()); }
  private Expr expr(ExprContext c) { return c == null ? null : (Expr) visit(c); }

  private ThreadRef thread(ThreadContext c) {
    return c == null ? null : new ThreadRef(pos(c), c.ID().getText(), expr(c.expr()));
  }

  // ---- declarations

  @Override public Stmt visitMachineDecl(MachineDeclContext c) { return new Stmt.Machine(pos(c), settings(c.settings())); }

  @Override public Stmt visitUseDecl(UseDeclContext c) {
    if (c.STRING() != null) return new Stmt.Use(pos(c), string(c.STRING().getSymbol()), true, pos(c.STRING().getSymbol()));
    return new Stmt.Use(pos(c), c.ID().getText(), false, pos(c.ID().getSymbol()));
  }

  @Override public Stmt visitPolicyDecl(PolicyDeclContext c) {
    return new Stmt.PolicyDecl(pos(c), ident(c.name), ident(c.base), settings(c.settings()));
  }

  @Override public Stmt visitJsPolicyDecl(JsPolicyDeclContext c) {
    return new Stmt.JsPolicy(pos(c), ident(c.name), string(c.file), pos(c.file), ident(c.base), settings(c.settings()));
  }

  @Override public Stmt visitDistDecl(DistDeclContext c) {
    return new Stmt.DistDecl(pos(c), ident(c.name), (Stmt.Dist) visit(c.distSpec()));
  }

  @Override public Stmt.Dist visitHistogram(HistogramContext c) {
    if (!c.kind.getText().equals("histogram"))
      throw new ScriptError(pos(c.kind), "unknown distribution '" + c.kind.getText() + "', expected histogram { SIZE: PCT, ... }, uniform(A, B) or fixed(A)");
    List<Stmt.Bucket> buckets = new ArrayList<>();
    for (BucketContext b : c.bucket()) buckets.add(new Stmt.Bucket(expr(b.size), expr(b.weight)));
    return new Stmt.Histogram(List.copyOf(buckets));
  }

  @Override public Stmt.Dist visitDistCall(DistCallContext c) {
    String kind = c.kind.getText();
    int n = c.expr().size();
    if (kind.equals("uniform") && n == 2) return new Stmt.Uniform(expr(c.expr(0)), expr(c.expr(1)));
    if (kind.equals("fixed") && n == 1) return new Stmt.Fixed(expr(c.expr(0)));
    if (kind.equals("uniform") || kind.equals("fixed"))
      throw new ScriptError(pos(c.kind), kind + " takes " + (kind.equals("fixed") ? "one size" : "two sizes") + ", not " + n);
    throw new ScriptError(pos(c.kind), "unknown distribution '" + kind + "', expected histogram { SIZE: PCT, ... }, uniform(A, B) or fixed(A)");
  }

  @Override public Stmt visitLetDecl(LetDeclContext c) { return new Stmt.Let(pos(c), ident(c.name), expr(c.expr())); }
  @Override public Stmt visitSeedDecl(SeedDeclContext c) { return new Stmt.Seed(pos(c), expr(c.expr())); }
  @Override public Stmt visitDefaultDecl(DefaultDeclContext c) { return new Stmt.DefaultPolicy(pos(c), ident(c.policyName())); }

  private List<Setting> settings(SettingsContext c) {
    if (c == null) return null;
    List<Setting> out = new ArrayList<>();
    for (SettingContext s : c.setting()) {
      if (s instanceof NestedSettingContext n)
        out.add(new Setting(new Ident(pos(n.key), n.key.getText()), List.of(), settings(n.settings())));
      else {
        PlainSettingContext p = (PlainSettingContext) s;
        out.add(new Setting(new Ident(pos(p.key), p.key.getText()), values(p.value()), null));
      }
    }
    return List.copyOf(out);
  }

  /** Setting values; a number followed by a unit word is one value. */
  private List<Setting.Value> values(List<ValueContext> list) {
    List<Setting.Value> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      ValueContext v = list.get(i);
      Pos p = pos(v);
      if (v.NUMBER() != null) {
        double n = number(v.NUMBER().getSymbol()) * (v.getChildCount() > 1 ? -1 : 1);
        Unit unit = Unit.NONE;
        if (i + 1 < list.size() && list.get(i + 1).word() != null) {
          String w = list.get(i + 1).getText();
          if (Unit.of(w) != Unit.UNKNOWN) { unit = Unit.of(w); n *= Unit.scale(w); i++; }
        }
        out.add(new Setting.Value(p, Setting.Kind.NUMBER, v.getText(), n, unit));
      } else if (v.PERCENT() != null) {
        out.add(new Setting.Value(p, Setting.Kind.NUMBER, v.getText(), percent(v.PERCENT().getSymbol()), Unit.PERCENT));
      } else if (v.STRING() != null) {
        out.add(new Setting.Value(p, Setting.Kind.STRING, string(v.STRING().getSymbol()), 0, Unit.NONE));
      } else if (v.word() != null) {
        out.add(new Setting.Value(p, Setting.Kind.WORD, v.getText(), 0, Unit.NONE));
      } else {
        out.add(new Setting.Value(p, Setting.Kind.COMMA, ",", 0, Unit.NONE));
      }
    }
    return List.copyOf(out);
  }

  // ---- events

  @Override public Stmt visitFork(ForkContext c) {
    ThreadRef parent = null;
    Expr cpu = null;
    Event.ThreadKind kind = null;
    Ident policy = null;
    for (ForkOptionContext o : c.forkOption()) {
      boolean twice = switch (o) {
        case ForkFromContext f -> { boolean t = parent != null; parent = thread(f.thread()); yield t; }
        case ForkCpuContext f -> { boolean t = cpu != null; cpu = expr(f.expr()); yield t; }
        case ForkKindContext f -> { boolean t = kind != null; kind = f.kind.getText().equals("user") ? Event.ThreadKind.USER : Event.ThreadKind.KERNEL; yield t; }
        case ForkPolicyContext f -> { boolean t = policy != null; policy = ident(f.policyName()); yield t; }
        default -> false;
      };
      if (twice) throw new ScriptError(pos(o), "'" + o.getChild(0).getText() + "' given twice in one fork");
    }
    return new Event.Fork(pos(c), thread(c.thread()), parent, cpu, kind, policy);
  }

  @Override public Stmt visitThreadEvent(ThreadEventContext c) {
    return new Event.Simple(pos(c), EventKind.of(c.op.getText()), thread(c.thread()));
  }

  @Override public Stmt visitDepth(DepthContext c) {
    return new Event.Depth(pos(c), thread(c.thread()), expr(c.expr()), c.dist == null ? null : ident(c.dist));
  }

  @Override public Stmt visitSyscall(SyscallContext c) {
    return new Event.Syscall(pos(c), thread(c.thread()), expr(c.expr()), c.dist == null ? null : ident(c.dist), block(c.block()));
  }

  @Override public Stmt visitGuarded(GuardedContext c) {
    return new Event.Guarded(pos(c), c.op.getText().equals("noirq"), thread(c.thread()), block(c.block()));
  }

  @Override public Stmt visitEnsure(EnsureContext c) { return new Event.Ensure(pos(c), thread(c.thread()), expr(c.expr())); }
  @Override public Stmt visitWake(WakeContext c) { return new Event.Wake(pos(c), thread(c.thread()), expr(c.expr())); }
  @Override public Stmt visitMigrate(MigrateContext c) { return new Event.Migrate(pos(c), thread(c.thread()), expr(c.expr())); }
  @Override public Stmt visitPublish(PublishContext c) { return new Event.Publish(pos(c), thread(c.thread()), expr(c.expr())); }

  @Override public Stmt visitTouch(TouchContext c) {
    return new Event.Touch(pos(c), thread(c.thread()), expr(c.expr(0)), c.expr().size() > 1 ? expr(c.expr(1)) : null);
  }

  @Override public Stmt visitAdvance(AdvanceContext c) { return new Event.Advance(pos(c), expr(c.expr())); }
  @Override public Stmt visitRcuSync(RcuSyncContext c) { return new Event.RcuSync(pos(c)); }

  @Override public Stmt visitReplay(ReplayContext c) {
    return new Event.Replay(pos(c), string(c.file), pos(c.file), ident(c.policyName()), c.dist == null ? null : ident(c.dist));
  }

  // ---- control flow

  @Override public Stmt visitParallel(ParallelContext c) {
    List<Stmt.CpuProgram> programs = new ArrayList<>();
    for (CpuProgramContext p : c.cpuProgram()) programs.add(new Stmt.CpuProgram(pos(p), expr(p.expr()), block(p.block())));
    return new Stmt.Parallel(pos(c), List.copyOf(programs));
  }

  @Override public Stmt visitExplore(ExploreContext c) {
    List<Stmt.CpuProgram> programs = new ArrayList<>();
    for (CpuProgramContext p : c.cpuProgram()) programs.add(new Stmt.CpuProgram(pos(p), expr(p.expr()), block(p.block())));
    return new Stmt.Explore(pos(c), List.copyOf(programs));
  }

  @Override public Stmt visitRepeat(RepeatContext c) { return new Stmt.Repeat(pos(c), expr(c.expr()), block(c.block())); }

  @Override public Stmt visitFor(ForContext c) {
    return new Stmt.For(pos(c), ident(c.var), expr(c.from), expr(c.to), block(c.block()));
  }

  @Override public Stmt visitIf(IfContext c) {
    List<Stmt> otherwise = c.stmt() != null ? List.of((Stmt) visit(c.stmt())) : block(c.block().size() > 1 ? c.block(1) : null);
    return new Stmt.If(pos(c), expr(c.expr()), block(c.block(0)), otherwise);
  }

  @Override public Stmt visitExpect(ExpectContext c) {
    ExprContext e = c.expr();
    String text = e.getStart().getInputStream().getText(Interval.of(e.getStart().getStartIndex(), e.getStop().getStopIndex()));
    if (c.q == null) return new Stmt.Expect(pos(c), expr(e), text);
    return new Stmt.Expect(pos(c), expr(e), text, Stmt.Quantifier.valueOf(c.q.getText().toUpperCase()), pos(c.q));
  }

  @Override public Stmt visitPrint(PrintContext c) {
    List<Expr> values = new ArrayList<>();
    for (ExprContext e : c.expr()) values.add(expr(e));
    return new Stmt.Print(pos(c), List.copyOf(values));
  }

  // ---- expressions

  @Override public Expr visitParens(ParensContext c) { return expr(c.expr()); }

  @Override public Expr visitCall(CallContext c) {
    List<Expr> args = new ArrayList<>();
    for (ExprContext e : c.expr()) args.add(expr(e));
    return new Expr.Call(pos(c), ident(c.fn), List.copyOf(args));
  }

  @Override public Expr visitNumber(NumberContext c) {
    double n = number(c.NUMBER().getSymbol());
    if (c.unit == null) return new Expr.Num(pos(c), n, Unit.NONE, null, null);
    String w = c.unit.getText();
    Unit unit = Unit.of(w);
    return new Expr.Num(pos(c), unit == Unit.UNKNOWN ? n : n * Unit.scale(w), unit, w, pos(c.unit));
  }

  @Override public Expr visitPercent(PercentContext c) {
    return new Expr.Num(pos(c), percent(c.PERCENT().getSymbol()), Unit.PERCENT, "%", null);
  }

  @Override public Expr visitString(StringContext c) { return new Expr.Str(pos(c), string(c.STRING().getSymbol())); }

  @Override public Expr visitPathExpr(PathExprContext c) {
    List<String> parts = new ArrayList<>();
    parts.add(c.path().head.getText());
    for (WordContext w : c.path().word()) parts.add(w.getText());
    return new Expr.Path(pos(c), List.copyOf(parts), c.path().index == null ? null : expr(c.path().index));
  }

  @Override public Expr visitNegate(NegateContext c) { return new Expr.Unary(pos(c), Expr.Op.NEG, expr(c.expr())); }
  @Override public Expr visitNot(NotContext c) { return new Expr.Unary(pos(c), Expr.Op.NOT, expr(c.expr())); }

  @Override public Expr visitBinary(BinaryContext c) {
    return new Expr.Binary(pos(c), pos(c.op), Expr.Op.of(c.op.getText(), false), expr(c.expr(0)), expr(c.expr(1)));
  }

  // ---- literals

  private double number(Token t) {
    try {
      return Double.parseDouble(t.getText().replace("_", ""));
    } catch (NumberFormatException e) {
      throw new ScriptError(pos(t), "malformed number '" + t.getText() + "'");
    }
  }

  private double percent(Token t) {
    String s = t.getText();
    return Double.parseDouble(s.substring(0, s.length() - 1).replace("_", "")) / 100;
  }

  /** A string literal's value; only \" and \\ are escapes. */
  private String string(Token t) {
    String s = t.getText();
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 1; i < s.length() - 1; i++) {
      char ch = s.charAt(i);
      if (ch == '\\') {
        char next = s.charAt(++i);
        if (next != '"' && next != '\\')
          throw new ScriptError(new Pos(source, t.getLine(), t.getCharPositionInLine() + i), "unknown escape '\\" + next + "' in a string, expected \\\" or \\\\");
        ch = next;
      }
      out.append(ch);
    }
    return out.toString();
  }
}
