package dev.kss.check;

import dev.kss.ast.Event;
import dev.kss.ast.Expr;
import dev.kss.ast.Ident;
import dev.kss.ast.Pos;
import dev.kss.ast.Script;
import dev.kss.ast.ScriptError;
import dev.kss.ast.Setting;
import dev.kss.ast.Source;
import dev.kss.ast.Stmt;
import dev.kss.ast.ThreadRef;
import dev.kss.ast.Unit;
import dev.kss.machine.config.Arg;
import dev.kss.machine.config.Settable;
import dev.kss.machine.config.SettingError;
import dev.kss.machine.config.Args;
import dev.kss.machine.metrics.Metric;
import dev.kss.machine.metrics.MetricCatalog;
import dev.kss.trace.TraceMetric;
import dev.kss.machine.stack.PolicyConfig;
import dev.kss.parse.Parser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The resolver: everything that can be known before a script runs is checked here, so that a
 * script with a static error runs nothing. Names (threads, policies, dists, variables, metrics),
 * arities, units and constant CPU numbers; machine and policy settings are validated by the model
 * itself. The first error stops the check as a {@link ScriptError}.
 *
 * <p>A checker is persistent: the REPL checks more statements against the same names later.
 */
public final class Checker {
  private static final Set<String> FUNCTIONS = Set.of("min", "max", "abs", "pages", "uniform");

  private final Program program = new Program();
  private final Modules modules;
  private final Set<String> loaded = new HashSet<>();
  /** Thread families forked so far (textually), and whether they are indexed. */
  private final Map<String, Boolean> indexed = new HashMap<>();
  private final Map<String, Integer> familySlots = new HashMap<>();
  private Scope scope = new Scope(null);
  private PolicyDef defaultPolicy;
  private boolean eventSeen;
  /** The last explore checked: the one quantified expectations refer to. */
  private Stmt.Explore lastExplore;
  /** The file whose statements are checked now (paths in it are relative to it). */
  private Source source;
  /** The CPU program being checked ({@code cpu N { }} inside parallel), or null. */
  private Stmt.CpuProgram cpuProgram;
  /** How many syscall, atomic and noirq bodies the statement being checked is inside. */
  private int eventBodies;

  public Checker(Modules modules) {
    this.modules = modules;
    defaultPolicy = addPolicy("default", new PolicyConfig(), null);
  }

  /** Parses nothing: checks an already parsed script and returns the program. */
  public static Program check(Script script) {
    Checker c = new Checker(Modules.CLASSPATH);
    c.add(script);
    return c.program();
  }

  public Program program() { return program; }

  /** Checks a script's (or a REPL line's) statements and appends them to the program. */
  public void add(Script script) {
    source = script.source();
    for (Stmt s : script.statements()) topLevel(s, script.source());
    program.statements.addAll(script.statements());
  }

  // ---- declarations (top level only)

  private void topLevel(Stmt s, Source source) {
    switch (s) {
      case Stmt.Machine m -> {
        if (eventSeen) throw new ScriptError(m.pos(), "the machine block must come before the first event");
        apply(program.machine, m.settings());
      }
      case Stmt.Use u -> use(u, source);
      case Stmt.PolicyDecl p -> {
        PolicyConfig config = base(p.base()).config().copy();
        apply(config, p.settings() == null ? List.of() : p.settings());
        addPolicy(p.name(), config);
      }
      case Stmt.JsPolicy j -> {
        PolicyDef base = base(j.base());
        HookModule module = modules.hooks(j, source, base.name(), program.machine);
        PolicyConfig config = base.config().copy();
        if (module.reclaimEveryNs() > 0) config.shrinkerEveryNs = module.reclaimEveryNs();
        addPolicy(j.name(), config, module);
      }
      case Stmt.Seed seed -> {
        if (program.seedPos != null) throw new ScriptError(seed.pos(), "the seed is already set at line " + program.seedPos.line());
        expect(seed.value(), Type.NUMBER, "the seed");
        Double v = constant(seed.value());
        if (v == null || v != Math.rint(v) || v < 0 || v > 9.0e15)
          throw new ScriptError(seed.value().pos(), "the seed must be a whole number written out, such as 42");
        program.seed = (long) (double) v;
        program.seedPos = seed.pos();
      }
      case Stmt.DefaultPolicy d -> defaultPolicy = policy(d.policy());
      default -> stmt(s);
    }
  }

  private PolicyDef base(Ident base) {
    if (base == null) return program.policies.get("default");
    return policy(base);
  }

  private PolicyDef policy(Ident name) {
    PolicyDef def = program.policies.get(name.name());
    if (def == null) {
      String known = program.policies.keySet().stream().collect(Collectors.joining(", "));
      throw new ScriptError(name.pos(), "unknown policy '" + name.name() + "', expected one of " + known
          + (program.policies.size() == 1 ? " (the stdlib policies need " + Args.either(modules.stdlibNames().stream().map(m -> "'use " + m + "'").toArray(String[]::new)) + ")" : ""));
    }
    return def;
  }

  private PolicyDef addPolicy(Ident name, PolicyConfig config) { return addPolicy(name, config, null); }

  private PolicyDef addPolicy(Ident name, PolicyConfig config, HookModule js) {
    PolicyDef old = program.policies.get(name.name());
    if (old != null)
      throw new ScriptError(name.pos(), "policy '" + name.name() + "' is already defined"
          + (old.builtin() ? " (it is built in)" : " at " + old.pos()));
    return addPolicy(name.name(), config, name.pos(), js);
  }

  private PolicyDef addPolicy(String name, PolicyConfig config, Pos pos) { return addPolicy(name, config, pos, null); }

  private PolicyDef addPolicy(String name, PolicyConfig config, Pos pos, HookModule js) {
    PolicyDef def = new PolicyDef(name, program.policyList.size(), config, pos, js);
    program.policies.put(name, def);
    program.policyList.add(def);
    return def;
  }

  /** Applies settings to the model's configuration, which says what is wrong with them. */
  private void apply(Settable target, List<Setting> settings) {
    for (Setting s : settings) {
      try {
        if (s.block() != null) {
          apply(target.block(s.key().name()), s.block());
          continue;
        }
        List<Arg> args = new ArrayList<>(s.values().size());
        for (Setting.Value v : s.values()) args.add(arg(v));
        target.set(s.key().name(), args);
      } catch (SettingError e) {
        int i = e.argIndex();
        Pos at = i >= 0 && i < s.values().size() ? s.values().get(i).pos() : s.key().pos();
        throw new ScriptError(at, e.getMessage());
      }
    }
  }

  private static Arg arg(Setting.Value v) {
    return switch (v.kind()) {
      case WORD -> Arg.word(v.text());
      case STRING -> Arg.string(v.text());
      case COMMA -> Arg.COMMA;
      case NUMBER -> switch (v.unit()) {
        case BYTES -> Arg.size(v.number());
        case PAGES -> Arg.pages(v.number());
        case NS -> Arg.duration(v.number());
        case PERCENT -> Arg.percent(v.number());
        default -> Arg.number(v.number());
      };
    };
  }

  /** {@code use linux} or {@code use "x.kss"}: checks the module's declarations once. */
  private void use(Stmt.Use u, Source from) {
    Source source;
    try {
      if (u.isPath()) {
        Path file = beside(from, u.name());
        if (!loaded.add(file.toString())) return;
        if (!Files.isRegularFile(file)) throw new ScriptError(u.namePos(), "cannot read '" + u.name() + "': no such file");
        source = Source.read(file, shown(from, u.name()));
      } else {
        if (!loaded.add("stdlib:" + u.name())) return;
        source = modules.stdlib(u.name());
        if (source == null)
          throw new ScriptError(u.namePos(), "unknown module '" + u.name() + "', expected " + Args.either(modules.stdlibNames().toArray(String[]::new)) + ", or a file: use \"file.kss\"");
      }
    } catch (IOException e) {
      throw new ScriptError(u.namePos(), "cannot read '" + u.name() + "': " + e.getMessage());
    }
    Script module = Parser.parse(source);
    for (Stmt s : module.statements()) {
      if (!(s instanceof Stmt.PolicyDecl || s instanceof Stmt.Use || s instanceof Stmt.JsPolicy))
        throw new ScriptError(s.pos(), "a used file may only declare policies and use other files");
      topLevel(s, source);
    }
  }

  // ---- statements

  private void block(List<Stmt> body) {
    scope = new Scope(scope);
    try {
      for (Stmt s : body) stmt(s);
    } finally {
      scope = scope.parent;
    }
  }

  private void stmt(Stmt s) {
    switch (s) {
      case Stmt.Machine m -> nested(m.pos(), "machine");
      case Stmt.Use u -> nested(u.pos(), "use");
      case Stmt.PolicyDecl p -> nested(p.pos(), "policy");
      case Stmt.JsPolicy j -> nested(j.pos(), "policy");
      case Stmt.Seed seed -> nested(seed.pos(), "seed");
      case Stmt.DefaultPolicy d -> nested(d.pos(), "default policy");
      case Stmt.DistDecl d -> {
        dist(d.dist());
        int slot = program.dists++;
        program.slotOf.put(d.name(), slot);
        scope.dists.put(d.name().name(), slot);
      }
      case Stmt.Let let -> {
        Type t = type(let.value(), null);
        if (t == Type.BOOL || t == Type.TEXT || t.numeric()) declare(let.name(), t);
      }
      case Stmt.Repeat r -> {
        expect(r.count(), Type.NUMBER, "a repeat count");
        block(r.body());
      }
      case Stmt.For f -> {
        expect(f.from(), Type.NUMBER, "the start of the range");
        expect(f.to(), Type.NUMBER, "the end of the range");
        scope = new Scope(scope);
        try {
          declare(f.var(), Type.NUMBER);
          for (Stmt b : f.body()) stmt(b);
        } finally {
          scope = scope.parent;
        }
      }
      case Stmt.If i -> {
        expect(i.cond(), Type.BOOL, "a condition");
        block(i.then());
        block(i.otherwise());
      }
      case Stmt.Expect e -> {
        if (e.quantifier() != null) quantified(e);
        expect(e.cond(), Type.BOOL, "a condition (such as x == 1)");
      }
      case Stmt.Print p -> { for (Expr e : p.values()) type(e, null); }
      case Stmt.Parallel par -> parallel(par);
      case Stmt.Explore x -> explore(x);
      case Event e -> { eventSeen = true; event(e); }
    }
  }

  /** {@code parallel { cpu N { ... } ... }}: each CPU once, programs of events (no machine-wide ones). */
  private void parallel(Stmt.Parallel par) {
    if (cpuProgram != null) throw new ScriptError(par.pos(), "a parallel block cannot be inside a cpu program: each CPU runs one program at a time");
    if (eventBodies > 0) throw new ScriptError(par.pos(), "a parallel block cannot be inside a syscall, atomic or noirq body");
    if (par.programs().isEmpty()) throw new ScriptError(par.pos(), "a parallel block needs at least one program: cpu N { ... }");
    eventSeen = true;
    Map<Double, Stmt.CpuProgram> seen = new HashMap<>();
    for (Stmt.CpuProgram p : par.programs()) {
      cpu(p.cpu());
      Double v = constant(p.cpu());
      Stmt.CpuProgram twice = v == null ? null : seen.put(v, p);
      if (twice != null)
        throw new ScriptError(p.cpu().pos(), "cpu " + Values.number(v) + " already has a program at line " + twice.pos().line() + ": a CPU runs one program");
      cpuProgram = p;
      try {
        block(p.body());
      } finally {
        cpuProgram = null;
      }
    }
  }

  /**
   * {@code explore { cpu N { ... } ... }}: at the top level, two programs or more, each CPU once;
   * the quantified expectations after it (up to the next explore) refer to it.
   */
  private void explore(Stmt.Explore x) {
    if (scope.parent != null || cpuProgram != null || eventBodies > 0)
      throw new ScriptError(x.pos(), "'explore' must be at the top level of the script: its expectations are checked once, over every interleaving");
    if (x.programs().size() < 2)
      throw new ScriptError(x.pos(), "an explore needs two CPU programs or more (cpu 0 { ... } cpu 1 { ... }): with one there is one order only");
    parallel(new Stmt.Parallel(x.pos(), x.programs()));
    lastExplore = x;
    program.quantified.put(x, new ArrayList<>());
  }

  /** {@code expect exists|never|always COND}: over the interleavings of the nearest explore before it. */
  private void quantified(Stmt.Expect e) {
    String q = e.quantifier().keyword();
    if (lastExplore == null)
      throw new ScriptError(e.quantifierPos(), "'expect " + q + "' needs an explore before it: it is checked over the interleavings of explore { cpu 0 { ... } cpu 1 { ... } }");
    if (scope.parent != null || cpuProgram != null)
      throw new ScriptError(e.quantifierPos(), "'expect " + q + "' must be at the top level of the script, after its explore");
    program.quantified.get(lastExplore).add(e);
  }

  private static void nested(Pos pos, String what) {
    throw new ScriptError(pos, "'" + what + "' must be at the top level of the script, not inside a block");
  }

  private void declare(Ident name, Type type) {
    int slot = program.variables++;
    program.slotOf.put(name, slot);
    scope.vars.put(name.name(), new Ref.Var(slot, type));
  }

  private void dist(Stmt.Dist d) {
    switch (d) {
      case Stmt.Fixed f -> expect(f.size(), Type.SIZE, "a size");
      case Stmt.Uniform u -> { expect(u.low(), Type.SIZE, "a size"); expect(u.high(), Type.SIZE, "a size"); }
      case Stmt.Histogram h -> {
        double sum = 0;
        boolean known = true;
        for (Stmt.Bucket b : h.buckets()) {
          expect(b.size(), Type.SIZE, "a size");
          expect(b.weight(), Type.NUMBER, "a percentage");
          Double w = constant(b.weight());
          if (w != null && w < 0) throw new ScriptError(b.weight().pos(), "a percentage cannot be negative");
          if (w == null) known = false; else sum += w;
        }
        if (known && Math.abs(sum - 1) > 1e-6)
          throw new ScriptError(h.buckets().get(0).size().pos(),
              "the percentages add up to " + Values.number(sum * 100) + "%, expected 100%");
      }
    }
  }

  // ---- events

  private void event(Event e) {
    switch (e) {
      case Event.Fork f -> {
        if (f.parent() != null) thread(f.parent());
        ThreadRef t = f.thread();
        Boolean was = indexed.get(t.family());
        if (was != null && was != t.indexed()) thread(t); // reports the mismatch
        if (t.indexed()) index(t.index());
        indexed.put(t.family(), t.indexed());
        program.familyOf.put(t, familySlots.computeIfAbsent(t.family(), n -> {
          program.families.add(n);
          return program.families.size() - 1;
        }));
        if (f.cpu() != null) {
          if (cpuProgram != null) throw new ScriptError(f.cpu().pos(), "inside cpu N { } a fork forks on CPU N: leave out 'on cpu'");
          cpu(f.cpu());
        }
        program.forkPolicy.put(f, f.policy() == null ? defaultPolicy : policy(f.policy()));
      }
      case Event.Simple s -> thread(s.thread());
      case Event.Depth d -> { thread(d.thread()); sizeOrDist(d.size(), d.dist()); }
      case Event.Syscall s -> {
        thread(s.thread());
        sizeOrDist(s.size(), s.dist());
        eventBody(s.body());
      }
      case Event.Guarded g -> { thread(g.thread()); eventBody(g.body()); }
      case Event.Ensure en -> { thread(en.thread()); expect(en.size(), Type.SIZE, "a size"); }
      case Event.Wake w -> { thread(w.thread()); if (w.cpu() != null) cpu(w.cpu()); }
      case Event.Migrate m -> { thread(m.thread()); cpu(m.cpu()); }
      case Event.Publish p -> { thread(p.thread()); expect(p.offset(), Type.SIZE, "an offset in the stack (a size)"); }
      case Event.Touch t -> {
        thread(t.thread());
        expect(t.offset(), Type.SIZE, "an offset in the stack (a size)");
        if (cpuProgram == null && t.cpu() == null)
          throw new ScriptError(t.offset().pos(), "expected 'from cpu N' after the offset: which CPU touches the object (inside cpu N { } it is N)");
        if (cpuProgram != null && t.cpu() != null)
          throw new ScriptError(t.cpu().pos(), "inside cpu N { } the touch is from CPU N: leave out 'from cpu'");
        if (t.cpu() != null) cpu(t.cpu());
      }
      case Event.Advance a -> expect(a.duration(), Type.DURATION, "a duration");
      case Event.Replay r -> replay(r);
      case Event.RcuSync r -> {
        if (cpuProgram != null)
          throw new ScriptError(r.pos(), "rcu_sync is not supported inside a cpu program yet: put it after the parallel block, where every CPU waits for the grace period");
      }
    }
  }

  /** {@code replay "FILE" [policy NAME] [depth dist NAME]}: the file next to the script, at the top level or in a loop. */
  private void replay(Event.Replay r) {
    if (cpuProgram != null) throw new ScriptError(r.pos(), "a replay cannot be inside a cpu program: the trace says which CPU runs what");
    if (eventBodies > 0) throw new ScriptError(r.pos(), "a replay cannot be inside a syscall, atomic or noirq body");
    PolicyDef policy = r.policy() == null ? defaultPolicy : policy(r.policy());
    sizeOrDist(null, r.dist());
    Path file = beside(source, r.file());
    if (!Files.exists(file)) throw new ScriptError(r.filePos(), "cannot read the trace '" + r.file() + "': no such file");
    if (!Files.isRegularFile(file) || !Files.isReadable(file))
      throw new ScriptError(r.filePos(), "cannot read the trace '" + r.file() + "': " + (Files.isDirectory(file) ? "it is a directory" : "not readable"));
    program.traces.put(r, new Program.Trace(file, shown(source, r.file()), policy));
  }

  /** A file a script names ({@code use "x.kss"}, {@code replay "t.perf.txt"}): relative to the script's own file. */
  private static Path beside(Source from, String name) {
    Path base = from == null || from.path() == null ? Path.of("") : from.path().toAbsolutePath().getParent();
    return base.resolve(name).normalize();
  }

  /** That file's name in messages: beside the script's name as it was given. */
  private static String shown(Source from, String name) {
    return from == null || from.path() == null ? name : Path.of(from.name()).resolveSibling(name).normalize().toString();
  }

  private void eventBody(List<Stmt> body) {
    eventBodies++;
    try {
      block(body);
    } finally {
      eventBodies--;
    }
  }

  private void sizeOrDist(Expr size, Ident dist) {
    if (size != null) expect(size, Type.SIZE, "a size");
    if (dist != null) {
      Integer slot = scope.dist(dist.name());
      if (slot == null) throw new ScriptError(dist.pos(), "unknown dist '" + dist.name() + "': declare it first with dist " + dist.name() + " = ...");
      program.slotOf.put(dist, slot);
    }
  }

  /** A thread named by an event: its family must have been forked earlier in the script. */
  private void thread(ThreadRef t) {
    Boolean was = indexed.get(t.family());
    if (was == null) throw new ScriptError(t.pos(), "unknown thread '" + t.family() + "': no 'fork " + t.family() + (t.indexed() ? "[...]" : "") + "' before this line");
    if (was && !t.indexed()) throw new ScriptError(t.pos(), "'" + t.family() + "' is a family of threads, expected an index: " + t.family() + "[...]");
    if (!was && t.indexed()) throw new ScriptError(t.pos(), "'" + t.family() + "' is a single thread, not a family: write " + t.family() + " without an index");
    if (t.indexed()) index(t.index());
    program.familyOf.put(t, familySlots.get(t.family()));
  }

  private void index(Expr index) {
    expect(index, Type.NUMBER, "a thread index");
    Double v = constant(index);
    if (v != null && (v < 0 || v != Math.rint(v) || v > Integer.MAX_VALUE))
      throw new ScriptError(index.pos(), "a thread index must be a whole number from 0, not " + Values.number(v));
  }

  /** A CPU number: checked against the machine now when it is a constant, else when it runs. */
  private void cpu(Expr cpu) {
    expect(cpu, Type.NUMBER, "a CPU number");
    Double v = constant(cpu);
    if (v != null) {
      String problem = Values.cpuProblem(v, program.machine.cpus);
      if (problem != null) throw new ScriptError(cpu.pos(), problem);
    }
  }

  // ---- expressions

  private void expect(Expr e, Type want, String what) {
    Type t = type(e, want);
    if (!t.fits(want))
      throw new ScriptError(e.pos(), "expected " + what + ", found " + t.words);
  }

  /** The type of {@code e}, recorded for the interpreter; {@code want} only helps error messages. */
  private Type type(Expr e, Type want) {
    Type t = switch (e) {
      case Expr.Num n -> switch (n.unit()) {
        case NONE, PERCENT -> Type.NUMBER;
        case BYTES, PAGES -> Type.SIZE;
        case NS -> Type.DURATION;
        case UNKNOWN -> throw new ScriptError(n.unitPos(), "unknown unit '" + n.unitWord() + "', expected a unit ("
            + (want == Type.SIZE ? Unit.SIZE_UNITS : want == Type.DURATION ? Unit.DURATION_UNITS : Unit.SIZE_UNITS + ", " + Unit.DURATION_UNITS)
            + ") or the end of the statement");
      };
      case Expr.Str s -> Type.TEXT;
      case Expr.Path p -> path(p);
      case Expr.Unary u -> {
        if (u.op() == Expr.Op.NOT) { expect(u.operand(), Type.BOOL, "a condition after 'not'"); yield Type.BOOL; }
        Type o = type(u.operand(), want);
        if (!o.numeric()) throw new ScriptError(u.operand().pos(), "expected a number after '-', found " + o.words);
        yield o;
      }
      case Expr.Binary b -> binary(b, want);
      case Expr.Call c -> call(c, want);
    };
    program.types.put(e, t);
    return t;
  }

  private Type path(Expr.Path p) {
    List<String> parts = p.parts();
    String text = p.text();
    if (p.index() != null) return indexedPath(p);
    if (parts.get(0).equals("cpu"))
      throw new ScriptError(p.pos(), "expected a CPU number: cpu[N]." + (parts.size() > 1 ? p.rest() : "now"));
    if (parts.size() == 2 && indexed.containsKey(parts.get(0)) && scope.var(parts.get(0)) == null
        && (ThreadProperty.of(parts.get(1)) != null || !program.policies.containsKey(parts.get(0)))) return threadValue(p);
    if (parts.size() == 1) {
      Ref.Var v = scope.var(text);
      if (v != null) return record(p, v, v.type());
      if (text.equals("true") || text.equals("false")) return record(p, new Ref.Const(text.equals("true")), Type.BOOL);
    }
    MetricCatalog.Info info = MetricCatalog.lookup(text);
    if (info != null) return record(p, new Ref.Metric(info, null), metricType(info));
    if (parts.get(0).equals("trace") && scope.var("trace") == null) return traceMetric(p);
    PolicyDef scoped = parts.size() > 1 ? program.policies.get(parts.get(0)) : null;
    if (scoped != null) {
      String rest = text.substring(parts.get(0).length() + 1);
      info = MetricCatalog.lookup(rest);
      if (info != null) return record(p, new Ref.Metric(info, scoped), metricType(info));
      if (scoped.hooks() != null && rest.startsWith("js.")) return jsMetric(p, scoped, rest);
      throw new ScriptError(p.pos(), "unknown metric '" + rest + "' of policy '" + scoped.name() + "'" + suggest(rest));
    }
    if (parts.size() == 1 && !isMetricArea(text))
      throw new ScriptError(p.pos(), "unknown name '" + text + "', expected a variable (let " + text + " = ...), a metric or a policy's metric");
    throw new ScriptError(p.pos(), "unknown metric '" + text + "'" + suggest(text));
  }

  /** {@code cpu[N].METRIC} (a per-CPU metric) or {@code w[i].PROPERTY} (a thread of a family). */
  private Type indexedPath(Expr.Path p) {
    if (!p.parts().get(0).equals("cpu")) return threadValue(p);
    cpu(p.index());
    String rest = p.parts().size() == 1 ? "" : p.rest();
    MetricCatalog.Info info = MetricCatalog.PER_CPU.get(rest.equals("time.now") ? "now" : rest);
    if (info == null)
      throw new ScriptError(p.pos(), (MetricCatalog.lookup(rest) == null ? "unknown per-CPU metric '" + rest + "'" : "'" + rest + "' is not kept per CPU")
          + ", expected one of " + String.join(", ", MetricCatalog.PER_CPU.keySet()));
    return record(p, new Ref.CpuMetric(info, p.index()), metricType(info));
  }

  /** {@code T.PROPERTY}: a value of one thread, whose family was forked earlier in the script. */
  private Type threadValue(Expr.Path p) {
    ThreadRef t = new ThreadRef(p.pos(), p.parts().get(0), p.index());
    thread(t);
    ThreadProperty prop = p.parts().size() == 2 ? ThreadProperty.of(p.parts().get(1)) : null;
    if (prop == null)
      throw new ScriptError(p.pos(), "expected a value of thread '" + t.family() + "' after the dot: one of " + ThreadProperty.keys());
    return record(p, new Ref.Thread(t, prop), prop.type);
  }

  /** {@code trace.NAME}: what the last replay read from its trace (TraceMetric). */
  private Type traceMetric(Expr.Path p) {
    TraceMetric m = TraceMetric.of(p.text());
    if (m == null)
      throw new ScriptError(p.pos(), "unknown trace metric '" + p.text() + "', expected one of "
          + java.util.Arrays.stream(TraceMetric.values()).map(x -> x.key).collect(Collectors.joining(", ")));
    MetricCatalog.Info info = new MetricCatalog.Info(m.key, m.unit, "trace", m.meaning);
    return record(p, new Ref.Metric(info, null), metricType(info));
  }

  /** {@code NAME.js.COUNTER}: a counter the module declares, or one every hook module has. */
  private Type jsMetric(Expr.Path p, PolicyDef scoped, String rest) {
    String name = rest.substring(3);
    HookModule module = scoped.hooks();
    boolean text = module.textMetric(name);
    if (!module.counters().contains(name) && !module.builtinMetrics().contains(name)) {
      List<String> known = new ArrayList<>(module.counters());
      known.addAll(module.builtinMetrics());
      throw new ScriptError(p.pos(), "unknown metric '" + rest + "' of JS policy '" + scoped.name() + "', expected js. and one of "
          + String.join(", ", known) + " (a counter must be declared in the module's counters)");
    }
    MetricCatalog.Info info = new MetricCatalog.Info(rest, text ? Metric.Unit.TEXT : Metric.Unit.COUNT, "js", "JS policy metric");
    return record(p, new Ref.Metric(info, scoped), text ? Type.TEXT : Type.NUMBER);
  }

  private Type record(Expr.Path p, Ref ref, Type t) {
    program.refs.put(p, ref);
    return t;
  }

  private static boolean isMetricArea(String word) {
    return MetricCatalog.all().stream().anyMatch(i -> i.area().equals(word));
  }

  /** ", expected one of ..." listing the metrics of the same area, when there are any. */
  private static String suggest(String name) {
    String area = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
    List<String> same = MetricCatalog.all().stream().filter(i -> i.area().equals(area)).map(MetricCatalog.Info::name).toList();
    return same.isEmpty() ? " (the metrics are listed in docs/language.md)" : ", expected one of " + String.join(", ", same);
  }

  static Type metricType(MetricCatalog.Info info) {
    return switch (info.unit()) {
      case COUNT, RATIO -> Type.NUMBER;
      case BYTES -> Type.SIZE;
      case NS -> Type.DURATION;
      case TEXT -> Type.TEXT;
    };
  }

  private Type binary(Expr.Binary b, Type want) {
    Expr.Op op = b.op();
    if (op == Expr.Op.AND || op == Expr.Op.OR) {
      expect(b.left(), Type.BOOL, "a condition before '" + op.symbol + "'");
      expect(b.right(), Type.BOOL, "a condition after '" + op.symbol + "'");
      return Type.BOOL;
    }
    Type l = type(b.left(), want), r = type(b.right(), want);
    if (op.comparison()) {
      boolean ok = l.numeric() && r.numeric() ? unify(l, r) != null
          : l == r && (op == Expr.Op.EQ || op == Expr.Op.NE);
      if (!ok) throw new ScriptError(b.opPos(), "cannot compare " + l.words + " with " + r.words);
      return Type.BOOL;
    }
    if (!l.numeric()) throw new ScriptError(b.left().pos(), "expected a number before '" + op.symbol + "', found " + l.words);
    if (!r.numeric()) throw new ScriptError(b.right().pos(), "expected a number after '" + op.symbol + "', found " + r.words);
    Type t = switch (op) {
      case ADD, SUB, MOD -> unify(l, r);
      case MUL -> l == Type.NUMBER ? r : r == Type.NUMBER ? l : null;
      case DIV -> r == Type.NUMBER ? l : l == r ? Type.NUMBER : null;
      default -> null;
    };
    if (t == null) throw new ScriptError(b.opPos(), "cannot " + verb(op) + " " + l.words + " and " + r.words);
    return t;
  }

  private static String verb(Expr.Op op) {
    return switch (op) {
      case ADD -> "add"; case SUB -> "subtract"; case MUL -> "multiply"; case DIV -> "divide"; default -> "take the remainder of";
    };
  }

  /** Two numeric types as one: a plain number takes the other's unit; a size and a duration do not mix. */
  private static Type unify(Type a, Type b) {
    if (a == b || b == Type.NUMBER) return a;
    if (a == Type.NUMBER) return b;
    return null;
  }

  private Type call(Expr.Call c, Type want) {
    String fn = c.fn().name();
    if (!FUNCTIONS.contains(fn))
      throw new ScriptError(c.fn().pos(), "unknown function '" + fn + "', expected min, max, abs, pages or uniform");
    int n = c.args().size();
    boolean arityOk = switch (fn) {
      case "min", "max" -> n >= 2;
      case "uniform" -> n == 2;
      default -> n == 1;
    };
    if (!arityOk)
      throw new ScriptError(c.fn().pos(), fn + " takes " + switch (fn) {
        case "min", "max" -> "two or more values";
        case "uniform" -> "two values, uniform(LOW, HIGH)";
        case "pages" -> "one size, pages(SIZE)";
        default -> "one value";
      } + ", not " + n);
    if (fn.equals("pages")) { expect(c.args().get(0), Type.SIZE, "a size"); return Type.NUMBER; }
    Type t = null;
    for (Expr a : c.args()) {
      Type at = type(a, want);
      if (!at.numeric()) throw new ScriptError(a.pos(), fn + " takes numbers, sizes or durations, not " + at.words);
      Type u = t == null ? at : unify(t, at);
      if (u == null) throw new ScriptError(a.pos(), "cannot mix " + t.words + " and " + at.words + " in " + fn);
      t = u;
    }
    return t;
  }

  /** The value of a constant expression (literals and arithmetic), or null. */
  Double constant(Expr e) {
    return switch (e) {
      case Expr.Num n -> n.unit() == Unit.PAGES ? n.value() * program.machine.pageSize
          : n.unit() == Unit.UNKNOWN ? null : n.value();
      case Expr.Unary u when u.op() == Expr.Op.NEG -> { Double v = constant(u.operand()); yield v == null ? null : -v; }
      case Expr.Binary b when !b.op().comparison() && b.op() != Expr.Op.AND && b.op() != Expr.Op.OR -> {
        Double l = constant(b.left()), r = constant(b.right());
        yield l == null || r == null || Double.isNaN(Values.arithmetic(b.op(), l, r)) ? null : Values.arithmetic(b.op(), l, r);
      }
      default -> null;
    };
  }

  /** Block scopes of variables and dists. Threads and policies are global. */
  private static final class Scope {
    final Scope parent;
    final Map<String, Ref.Var> vars = new HashMap<>();
    final Map<String, Integer> dists = new HashMap<>();

    Scope(Scope parent) { this.parent = parent; }

    Ref.Var var(String name) {
      for (Scope s = this; s != null; s = s.parent) if (s.vars.containsKey(name)) return s.vars.get(name);
      return null;
    }

    Integer dist(String name) {
      for (Scope s = this; s != null; s = s.parent) if (s.dists.containsKey(name)) return s.dists.get(name);
      return null;
    }
  }
}
