package dev.kss.run;

import dev.kss.ast.Event;
import dev.kss.ast.Expr;
import dev.kss.ast.Pos;
import dev.kss.ast.ScriptError;
import dev.kss.ast.Stmt;
import dev.kss.ast.ThreadRef;
import dev.kss.check.PolicyDef;
import dev.kss.check.Program;
import dev.kss.check.Ref;
import dev.kss.check.Values;
import dev.kss.machine.Machine;
import dev.kss.machine.base.Copier;
import dev.kss.machine.base.SimError;
import dev.kss.machine.op.Op;
import dev.kss.machine.sched.Task;
import dev.kss.machine.sched.ThreadKind;
import dev.kss.machine.stack.Policy;
import dev.kss.trace.PerfScript;
import dev.kss.trace.Replay;
import dev.kss.trace.TraceError;
import dev.kss.trace.TraceMetric;
import dev.kss.trace.TraceSurvey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * A running scenario: a resumable cursor over the program's statements. Blocks and loops are
 * frames on an explicit stack (no Java recursion), so a run can stop after any event and go on
 * later: {@link #step()} runs until one more event has executed, {@link #runToEnd()} until the
 * end. Statements the checker adds to the program later (the REPL) run when the cursor gets there.
 *
 * <p>Errors while running (a {@link SimError} from the machine, a thread that was never forked, a
 * CPU out of range) are {@link ScriptError}s located at the event's thread argument or at the
 * offending expression.
 *
 * <p>A session can be copied ({@link #copy}): the machine and everything that refers to its threads
 * and policies, while the checked program and its AST are shared (the checker only adds to them).
 */
public final class Session {
  private final Program program;
  private final Options options;
  private final Evaluator eval;
  private final SplitMix rng;
  private final Families threads = new Families();
  private final Map<Stmt.Expect, Expectation> expectations = new LinkedHashMap<>();
  private Machine machine;
  /** The event running now ({@code file:line:col}), for the messages of JS policies. */
  private String at;
  private Policy[] policies = new Policy[8];
  /** Policies in the order the machine got them: the report's order. */
  private final List<PolicyDef> used;
  private Sampler[] dists = new Sampler[8];
  /** The top level's cursor, and the one statements run on now (a CPU program's, inside parallel). */
  private Cursor main = new Cursor(), cur;
  /** The parallel block running now, or null. */
  private Parallel parallel;
  /** The CPU program whose statements run now (inside parallel), or null at the top level. */
  private Strand strand;
  /** The replay running now, or null; and the last one started, whose figures trace.* reads. */
  private Replay replay, lastReplay;
  private Event.Replay replayStmt;
  /** The cursor's depth when the replay started: statements the REPL inserts above it run first. */
  private int replayDepth;
  /** The CPU whose program ran the last event, or -1 when it was the top level's. */
  private int lastCpu = -1;
  private long steps;
  private long events;

  public Session(Program program, Options options) {
    this.program = program;
    this.options = options;
    this.eval = new Evaluator(this, program);
    this.rng = new SplitMix(options.seed() != null ? options.seed() : program.seed());
    this.used = new ArrayList<>();
    main.frames[0].set(Frame.TOP, program.statements(), null, null);
    cur = main;
  }

  private Session(Session o, Copier c) {
    program = o.program;
    options = o.options;
    machine = o.machine == null ? null : o.machine.copy(c);
    eval = o.eval.copy(this);
    rng = o.rng.copy();
    threads.copyFrom(o.threads, c);
    for (Map.Entry<Stmt.Expect, Expectation> e : o.expectations.entrySet()) expectations.put(e.getKey(), e.getValue().copy());
    at = o.at;
    policies = new Policy[o.policies.length];
    for (int i = 0; i < policies.length; i++) if (o.policies[i] != null) policies[i] = machine.policies().get(o.policies[i].id);
    used = new ArrayList<>(o.used);
    dists = o.dists.clone();
    main = o.main.copy(c);
    cur = main;
    lastCpu = o.lastCpu;
    steps = o.steps;
    events = o.events;
    exploring = o.exploring;
    if (o.parallel != null) {
      Strand[] st = new Strand[o.parallel.strands.length];
      for (int i = 0; i < st.length; i++) st[i] = o.parallel.strands[i].copy(c);
      parallel = new Parallel(o.parallel.stmt, st);
    }
  }

  /**
   * An independent session in this one's state, sharing the program. Throws IllegalStateException
   * when a hook module still runs (its state outside the machine cannot be copied: replay instead).
   */
  public Session copy() {
    if (parallel != null && !exploring) throw new IllegalStateException("a parallel block is running: its CPU programs' pending events");
    if (replay != null) throw new IllegalStateException("a replay is running: its trace is read as it goes");
    String js = liveJsPolicy();
    if (js != null) throw new IllegalStateException("JS policy " + js + ": its JavaScript state");
    return new Session(this, new Copier());
  }

  // ---- the cursor

  /** Runs until one more event has executed; false when the end was reached first. */
  public boolean step() { return step(0); }

  /**
   * Like {@link #step()}, but also stops (false) when the cursor leaves the block at depth
   * {@code floor}: the REPL's {@code :next} and the statements it {@link #insert}s.
   */
  public boolean step(int floor) {
    eval.sync();
    while (true) {
      if (parallel != null) {
        if (stepParallel()) return true;
        continue;
      }
      if (replay != null && main.top == replayDepth) {
        if (stepReplay()) return true;
        continue;
      }
      Frame f = main.frames[main.top];
      if (f.pc < f.body.size()) {
        Stmt s = f.body.get(f.pc++);
        budget(s.pos());
        if (exec(s)) return true;
      } else if (main.top == 0) {
        return false;
      } else if (finish(f)) {
        return true;
      }
      if (main.top < floor) return false;
    }
  }

  /** Puts {@code body} at the cursor as a block of its own, to run before the rest of the script (REPL input); returns its depth. */
  public int insert(List<Stmt> body) {
    main.push(Frame.BLOCK, body, null, null);
    return main.top;
  }

  /** How many blocks the cursor is inside (0: the top level). */
  public int depth() { return main.top; }

  /** The CPU whose program ran the last event (inside parallel), or -1 when the top level ran it. */
  public int lastCpu() { return lastCpu; }

  /** Whether a parallel block is running (its CPU programs have events to run). */
  public boolean inParallel() { return parallel != null; }

  /** The value of a checked expression now, formatted as {@code print} shows it. */
  public String value(Expr e) {
    eval.sync();
    return eval.format(e);
  }

  public void runToEnd() { while (step()) { } }

  /** Whether every statement so far has run (the REPL may add more). */
  public boolean atEnd() { return next() == null; }

  /**
   * The statement the cursor will run next, or null at the end (for breakpoints and :step): a
   * loop's first statement when it goes round again, a syscall/atomic/noirq when its closing event is next.
   */
  public Stmt next() {
    if (replay != null && main.top == replayDepth) return replayStmt;
    if (parallel != null) {
      Strand s = parallel.next(machine());
      return s == null ? parallel.stmt : s.pending.peek().event;
    }
    for (int i = main.top; i >= 0; i--) {
      Frame f = main.frames[i];
      if (f.pc < f.body.size()) return f.body.get(f.pc);
      boolean again = f.kind == Frame.REPEAT && f.remaining > 1 || f.kind == Frame.FOR && f.value + 1 <= f.end;
      if (again && !f.body.isEmpty()) return f.body.get(0);
      if (f.owner instanceof Event) return f.owner;
    }
    return null;
  }

  public long events() { return events; }
  public long seed() { return options.seed() != null ? options.seed() : program.seed(); }
  public Program program() { return program; }

  /**
   * A JS policy of this session still running its module, or null: its JavaScript state cannot
   * be copied, so a copy of the session would not behave as the session does (the REPL replays instead).
   */
  public String liveJsPolicy() {
    if (machine == null) return null;
    for (Policy p : machine.policies()) if (hooks(p) != null && hooks(p).running()) return p.name;
    return null;
  }

  /** The hook module attached to {@code p} (a JS policy), or null. */
  public static AttachedHooks hooks(Policy p) { return p.hooks() instanceof AttachedHooks a ? a : null; }

  /** The machine, built on first use from the script's machine block. */
  public Machine machine() {
    if (machine == null) machine = new Machine(program.machine());
    return machine;
  }

  /** The policies forked with or measured so far, in that order. */
  public List<PolicyDef> usedPolicies() { return used; }

  /** Every expect that ran, in the order they first ran. */
  public List<Expectation> expectations() { return List.copyOf(expectations.values()); }

  public boolean allExpectationsHeld() {
    for (Expectation e : expectations.values()) if (!e.passed()) return false;
    return true;
  }

  /** The machine's Policy for a checked policy, defined on first use. */
  public Policy policy(PolicyDef def) {
    if (def.slot() >= policies.length) policies = java.util.Arrays.copyOf(policies, Math.max(def.slot() + 1, policies.length * 2));
    Policy p = policies[def.slot()];
    if (p == null) {
      p = def.builtin() ? machine().builtinDefault() : machine().definePolicy(def.name(), def.config().copy());
      if (def.hooks() != null) options.hooks().attach(def, machine(), p, seed(), () -> at);
      policies[def.slot()] = p;
      used.add(def);
    }
    return p;
  }

  Object metric(Ref.Metric m) {
    if (m.info().area().equals("trace")) return traceMetric(m.info().name());
    if (m.info().area().equals("js")) return hooks(policy(m.scope())).metric(m.info().name().substring(3));
    return machine().metric(m.info().name(), m.scope() == null ? null : policy(m.scope()));
  }

  double cpuMetric(Ref.CpuMetric m) { return machine().metric(m.info().name(), cpu(m.cpu())); }

  /** A thread's value ({@code a.depth}, ...): a Double, or a String for its state. A dead thread has no stack left. */
  Object threadValue(Ref.Thread r) {
    Task t = task(r.thread());
    boolean dead = !t.alive();
    return switch (r.property()) {
      case DEPTH -> dead ? 0.0 : (double) t.stack.depth;
      case CPU -> (double) t.cpu;
      case STATE -> dead ? "dead" : t.state == Task.State.SLEEPING ? "sleeping" : machine().cpu(t.cpu).current() == t ? "running" : "runnable";
      case RESIDENT -> dead ? 0.0 : (double) (t.stack.mappedCount() + t.segment.length) * pageSize();
    };
  }

  RandomGenerator rng() { return rng; }
  int pageSize() { return program.machine().pageSize; }

  private void budget(Pos pos) { budget(pos, 1); }

  private void budget(Pos pos, long n) {
    if (options.budget() > 0 && (steps += n) > options.budget())
      throw new ScriptError(pos, "stopped after " + options.budget() + " steps (the run's budget)");
  }

  private Frame push(int kind, List<Stmt> body, Stmt owner, Task task) { return cur.push(kind, body, owner, task); }

  /** The end of a frame's body: loop again, or pop it and run its closing event. True if an event ran. */
  private boolean finish(Frame f) {
    switch (f.kind) {
      case Frame.REPEAT -> {
        if (--f.remaining > 0) { budget(f.owner.pos()); f.pc = 0; return false; }
      }
      case Frame.FOR -> {
        if (++f.value <= f.end) {
          budget(f.owner.pos());
          eval.setNumber(f.slot, f.value);
          f.pc = 0;
          return false;
        }
      }
      default -> {}
    }
    cur.top--;
    Event e = f.owner instanceof Event ev ? ev : null;
    if (e == null) return false;
    at = e.pos().toString();
    Task t = f.task;
    try {
      switch (f.kind) {
        case Frame.SYSCALL -> { emit(new Op.Depth(t, 0), e); emit(new Op.Leave(t), e); }
        case Frame.ATOMIC -> emit(new Op.PreemptEnable(t), e);
        case Frame.NOIRQ -> emit(new Op.IrqEnable(t), e);
        default -> throw new IllegalStateException("frame " + f.kind);
      }
      if (strand == null) afterEvent();
    } catch (RuntimeException x) {
      throw located(x, e.thread().pos());
    }
    return true;
  }

  // ---- parallel: CPU programs merged in time order

  /** {@code parallel { cpu N { ... } }}: a program for each CPU, each starting when everything before the block has happened. */
  private void parallel(Stmt.Parallel par) {
    Machine m = machine();
    List<Strand> strands = new ArrayList<>();
    for (Stmt.CpuProgram p : par.programs()) {
      int c = cpu(p.cpu());
      for (Strand s : strands)
        if (s.cpu == c) throw new ScriptError(p.cpu().pos(), "cpu " + c + " already has a program in this parallel block: a CPU runs one program");
      strands.add(new Strand(c, p.body(), m.now()));
    }
    strands.sort(java.util.Comparator.comparingInt(s -> s.cpu));   // equal start times: the lower CPU first
    parallel = new Parallel(par, strands.toArray(Strand[]::new));
  }

  /**
   * One step of the running parallel block: every program runs its statements up to its next
   * event, and the event that starts first runs (equal times: the lower CPU's). True when an event
   * ran; false when every program has finished (the block is over: what follows starts after its
   * last event).
   */
  private boolean stepParallel() {
    Machine m = machine();
    for (Strand s : parallel.strands) if (s.pending.isEmpty() && !s.done) prime(s);
    Strand best = parallel.next(m);
    if (best == null && parallel.stuck() != null) {
      Pending p = parallel.stuck().pending.peek();
      parallel = null;
      throw new ScriptError(p.where(),
          "'" + p.op().thread() + "' sleeps, and no CPU program wakes it: its '" + p.op().keyword() + "' waits for ever");
    }
    if (best == null) {
      long end = 0;
      for (Strand s : parallel.strands) end = Math.max(end, s.time);
      parallel = null;
      m.apply(new Op.Join(end));
      return false;
    }
    run(best, best.pending.poll());
    return true;
  }

  /** Applies one queued operation of CPU program {@code s}, on from the end of its previous one. */
  private void run(Strand s, Pending p) {
    Machine m = machine();
    at = p.event.pos().toString();
    lastCpu = s.cpu;
    try {
      Task t = m.apply(p.op, s.time);
      s.time = m.lastEnd();
      if (p.then != null) p.then.accept(t);
      afterEvent();
    } catch (RuntimeException x) {
      throw located(x, p.where());
    }
  }

  /** Runs {@code s}'s statements until it has an event to run, or to its end. */
  private void prime(Strand s) {
    cur = s.cursor;
    strand = s;
    try {
      while (s.pending.isEmpty()) {
        Frame f = cur.frames[cur.top];
        if (f.pc < f.body.size()) {
          Stmt st = f.body.get(f.pc++);
          budget(st.pos());
          exec(st);
        } else if (cur.top == 0) {
          s.done = true;
          return;
        } else {
          finish(f);
        }
      }
    } finally {
      cur = main;
      strand = null;
    }
  }

  /** An operation of event {@code e}: applied now at the top level, queued in a CPU program. Returns the thread it acted on (null when queued). */
  private Task emit(Op op, Event e) { return emit(op, e, null); }

  private Task emit(Op op, Event e, java.util.function.Consumer<Task> then) {
    if (strand != null) {
      strand.pending.add(new Pending(op, e, then));
      strand.last = e;
      return null;
    }
    lastCpu = -1;
    Task t = machine.apply(op);
    if (then != null) then.accept(t);
    return t;
  }

  // ---- statements

  /** Runs one statement; true when it was an event. */
  private boolean exec(Stmt s) {
    switch (s) {
      case Stmt.Machine m -> {}
      case Stmt.Use u -> {}
      case Stmt.PolicyDecl p -> {}
      case Stmt.JsPolicy j -> {}
      case Stmt.Seed seed -> {}
      case Stmt.DefaultPolicy d -> {}
      case Stmt.DistDecl d -> {
        int slot = program.slot(d.name());
        if (slot >= dists.length) dists = java.util.Arrays.copyOf(dists, Math.max(slot + 1, dists.length * 2));
        dists[slot] = sampler(d.dist());
      }
      case Stmt.Let let -> eval.set(program.slot(let.name()), let.value());
      case Stmt.Parallel par -> parallel(par);
      case Stmt.Explore x -> explore(x);
      case Stmt.Repeat r -> {
        long n = count(r.count(), "a repeat count");
        if (n > 0 && !r.body().isEmpty()) push(Frame.REPEAT, r.body(), r, null).remaining = n;
        else if (n > 1) budget(r.pos(), n - 1);
      }
      case Stmt.For f -> {
        double from = eval.num(f.from()), to = eval.num(f.to());
        whole(from, f.from().pos(), "the start of the range");
        whole(to, f.to().pos(), "the end of the range");
        if (from <= to) {
          int slot = program.slot(f.var());
          eval.setNumber(slot, from);
          Frame fr = push(Frame.FOR, f.body(), f, null);
          fr.slot = slot;
          fr.value = from;
          fr.end = to;
        }
      }
      case Stmt.If i -> {
        List<Stmt> branch = eval.bool(i.cond()) ? i.then() : i.otherwise();
        if (!branch.isEmpty()) push(Frame.BLOCK, branch, i, null);
      }
      case Stmt.Expect e -> {
        Explorer.Verdict v = e.quantifier() == null ? null : verdicts.get(e);
        if (v != null) {
          expectations.computeIfAbsent(e, Expectation::new).record(v.held(), v.summary(), v);
        } else {
          StringBuilder values = new StringBuilder();
          boolean held = eval.explain(e.cond(), values);
          expectations.computeIfAbsent(e, Expectation::new).record(held, values.toString());
        }
      }
      case Stmt.Print p -> {
        StringBuilder line = new StringBuilder();
        for (Expr e : p.values()) {
          if (!line.isEmpty()) line.append(' ');
          line.append(eval.format(e));
        }
        options.printer().accept(line.toString());
      }
      case Event e -> {
        try {
          at = e.pos().toString();
          event(e);
          if (strand == null) afterEvent();
        } catch (RuntimeException x) {
          throw located(x, e.thread() != null ? e.thread().pos() : e.pos());
        }
        return true;
      }
    }
    return false;
  }

  private void afterEvent() {
    events++;
    if (options.check()) {
      try {
        machine.checkInvariants();
      } catch (IllegalStateException x) {
        throw new InvariantBroken(x);
      }
    }
  }

  /** An exception from the model as a located script error. */
  private static ScriptError located(RuntimeException x, Pos pos) {
    return switch (x) {
      case ScriptError se -> se;
      case SimError se -> new ScriptError(pos, se.getMessage(), se);
      case InvariantBroken ib -> new ScriptError(pos, "internal error: a machine invariant broke after this event: "
          + ib.getCause().getMessage(), ib.getCause());
      default -> new ScriptError(pos, "internal error in the model: " + x, x);
    };
  }

  private static final class InvariantBroken extends RuntimeException {
    InvariantBroken(IllegalStateException cause) { super(cause); }
  }

  /** Runs event {@code e}: the operations it stands for, applied to the machine. */
  private void event(Event e) {
    machine();
    switch (e) {
      case Event.Fork f -> fork(f);
      case Event.Simple s -> {
        Task t = task(s.thread());
        emit(switch (s.op()) {
          case EXIT -> new Op.Exit(t);
          case ENTER -> new Op.Enter(t);
          case LEAVE -> new Op.Leave(t);
          case SLEEP -> new Op.Sleep(t);
          case RUN -> new Op.Run(t);
          case PREEMPT_DISABLE -> new Op.PreemptDisable(t);
          case PREEMPT_ENABLE -> new Op.PreemptEnable(t);
          case IRQ_DISABLE -> new Op.IrqDisable(t);
          case IRQ_ENABLE -> new Op.IrqEnable(t);
          default -> throw new IllegalStateException("not a simple event: " + s.op());
        }, e);
      }
      case Event.Depth d -> {
        Task t = task(d.thread());
        emit(new Op.Depth(t, d.size() != null ? bytes(d.size()) : dists[program.slot(d.dist())].sample(rng)), e);
      }
      case Event.Syscall s -> {
        Task t = task(s.thread());
        long depth = s.size() != null ? bytes(s.size()) : s.dist() != null ? dists[program.slot(s.dist())].sample(rng) : -1;
        emit(new Op.Enter(t), e);
        if (depth >= 0) emit(new Op.Depth(t, depth), e);
        push(Frame.SYSCALL, s.body(), s, t);
      }
      case Event.Guarded g -> {
        Task t = task(g.thread());
        emit(g.irq() ? new Op.IrqDisable(t) : new Op.PreemptDisable(t), e);
        push(g.irq() ? Frame.NOIRQ : Frame.ATOMIC, g.body(), g, t);
      }
      case Event.Ensure en -> emit(new Op.Ensure(task(en.thread()), bytes(en.size())), e);
      case Event.Wake w -> emit(new Op.Wake(task(w.thread()), w.cpu() == null ? -1 : cpu(w.cpu())), e);
      case Event.Migrate mg -> emit(new Op.Migrate(task(mg.thread()), cpu(mg.cpu())), e);
      case Event.Publish p -> emit(new Op.Publish(task(p.thread()), bytes(p.offset())), e);
      case Event.Touch t -> emit(new Op.Touch(task(t.thread()), bytes(t.offset()), t.cpu() == null ? strand.cpu : cpu(t.cpu())), e);
      case Event.Advance a -> {
        double ns = eval.num(a.duration());
        if (!(ns >= 0 && ns <= 1e18)) throw new ScriptError(a.duration().pos(), "a duration must be between 0 and 31 years, not " + Format.nanos(ns));
        long d = Math.round(ns);
        emit(strand != null ? new Op.Spend(strand.cpu, d) : new Op.Advance(d), e);
      }
      case Event.RcuSync r -> emit(new Op.RcuSync(), e);
      case Event.Replay r -> startReplay(r);
    }
  }

  // ---- explore: every interleaving of CPU programs

  /** The verdicts of the quantified expectations of the explores run so far. */
  private final Map<Stmt.Expect, Explorer.Verdict> verdicts = new java.util.IdentityHashMap<>();
  /** This session is one state of a search: its CPU programs run as chosen, not by time. */
  private boolean exploring;
  /** Set from another thread (the REPL's Ctrl-C): a running search stops and reports what it found. */
  private volatile boolean interruptRequested;

  /** Stops a running explore's search (from another thread: Ctrl-C); it reports what it found so far. */
  public void interrupt() { interruptRequested = true; }

  /**
   * {@code explore { ... }}: searches every interleaving of the programs from the machine as it
   * is (Explorer), keeps the verdicts for the quantified expectations after it, then runs the
   * programs as a parallel block, which is how the rest of the script sees the machine.
   */
  private void explore(Stmt.Explore x) {
    Session start;
    try {
      start = exploreStart(x);
    } catch (IllegalStateException e) {
      throw new ScriptError(x.pos(), "explore copies the machine at every choice, and " + e.getMessage()
          + " cannot be copied: explore does not take JS policies (use a stdlib policy, or write the orders with parallel)");
    }
    interruptRequested = false;
    verdicts.putAll(Explorer.search(start, program.quantified(x), options.maxStates(), true, null, () -> interruptRequested));
    interruptRequested = false;
    parallel(new Stmt.Parallel(x.pos(), x.programs()));
  }

  /** A copy of this session about to run {@code x}'s programs, one strand per CPU, none started. */
  Session exploreStart(Stmt.Explore x) {
    Session s = copy();
    s.exploring = true;
    s.parallel(new Stmt.Parallel(x.pos(), x.programs()));
    return s;
  }

  /** How many programs the explore has (a session of a search). */
  int strands() { return parallel.strands.length; }
  int strandCpu(int i) { return parallel.strands[i].cpu; }
  boolean strandDone(int i) { return parallel.strands[i].done; }

  /**
   * Runs program {@code i}'s statements up to its next event and that event (all its operations);
   * returns them, or null when the program has ended. An event on a thread of another CPU is an
   * error (but a wake, which any CPU may send): in an explore, each program's events run on its CPU.
   */
  List<Op> exploreStep(int i) {
    Strand s = parallel.strands[i];
    prime(s);
    if (s.pending.isEmpty()) return null;
    List<Op> ran = new ArrayList<>();
    while (!s.pending.isEmpty()) {
      Pending p = s.pending.poll();
      int on = p.op.runsOn();
      // A wake may come from any CPU (try_to_wake_up() runs on the waker's); a touch names its CPU.
      if (on >= 0 && on != s.cpu && !(p.op instanceof Op.Wake))
        throw new ScriptError(p.where(), "in cpu " + s.cpu + "'s program, '" + p.op.thread() + "' runs on cpu " + on
            + ": in an explore each program's events run on its own CPU (migrate the thread there first, or put the event in cpu " + on + "'s program)");
      run(s, p);
      ran.add(p.op);
    }
    return ran;
  }

  /** The line of the event program {@code i} ran last (the witness's). */
  Event lastEventOf(int i) { return parallel.strands[i].last; }

  /**
   * A hash of everything that decides this state's future in a search: the machine, and where
   * each program stands (not whether the search has seen it end yet).
   */
  long exploreKey() {
    long h = machine().stateHash();
    for (Strand s : parallel.strands) {
      Cursor k = s.cursor;
      h = h * 31 + k.top;
      for (int f = 0; f <= k.top; f++) {
        Frame fr = k.frames[f];
        h = h * 31 + fr.pc;
        h = h * 31 + fr.remaining;
        h = h * 31 + Double.hashCode(fr.value);
      }
    }
    return h;
  }

  /** Whether {@code e}'s condition holds in this session now; its values into {@code values}. */
  boolean holds(Stmt.Expect e, StringBuilder values) {
    eval.sync();
    return eval.explain(e.cond(), values);
  }

  // ---- replay: a recorded trace, one trace event per step

  /**
   * {@code replay "FILE"}: a first pass over the trace (its CPUs, the tasks alive at its start),
   * the set-up of those tasks, then counting starts again: the replay's figures count from the
   * trace's first event. The trace's events then run one per step.
   */
  private void startReplay(Event.Replay r) {
    Program.Trace tr = program.trace(r);
    Machine m = machine();
    Policy policy = policy(tr.policy());
    TraceSurvey survey;
    try (PerfScript in = PerfScript.open(tr.file(), tr.shown())) {
      survey = TraceSurvey.of(in);
    } catch (TraceError x) {
      throw new ScriptError(r.filePos(), x.describe());
    }
    int cpus = m.config().cpus;
    if (survey.cpus > cpus)
      throw new ScriptError(r.filePos(), "the trace ran on " + survey.cpus + " CPUs, the machine has " + cpus
          + ": give it at least as many (machine { cpus " + survey.cpus + " })");
    int depthSlot = r.dist() == null ? -1 : program.slot(r.dist());
    Replay.Driver driver = new Replay.Driver() {
      @Override public Task apply(Op op, long at) {
        Task t = m.apply(op, at);
        if (options.check()) afterOp();
        return t;
      }
      @Override public long sleepDepth() { return depthSlot < 0 ? -1 : dists[depthSlot].sample(rng); }
      @Override public Task current(int cpu) { return m.cpu(cpu).current(); }
    };
    Replay rp = new Replay(PerfScript.open(tr.file(), tr.shown()), survey, policy.id, driver);
    try {
      rp.setUp();
    } catch (TraceError x) {
      rp.close();
      throw new ScriptError(r.filePos(), x.describe());
    } catch (RuntimeException x) {
      rp.close();
      throw located(x, r.filePos());
    }
    m.apply(new Op.Join(m.now()));
    m.restartMetrics(policy);
    rp.start(m.now());
    replay = lastReplay = rp;
    replayStmt = r;
    replayDepth = main.top;
  }

  /** One event of the running replay; false when the trace has ended (what follows starts after its last event). */
  private boolean stepReplay() {
    Machine m = machine();
    at = replayStmt.pos().toString();
    lastCpu = -1;
    try {
      if (replay.step()) {
        events++;
        return true;
      }
    } catch (TraceError x) {
      replay.close();
      replay = null;
      throw new ScriptError(replayStmt.filePos(), x.describe());
    } catch (RuntimeException x) {
      replay.close();
      replay = null;
      throw located(x, replayStmt.filePos());
    }
    replay.close();
    replay = null;
    m.apply(new Op.Join(m.now()));
    return false;
  }

  private void afterOp() {
    try {
      machine.checkInvariants();
    } catch (IllegalStateException x) {
      throw new InvariantBroken(x);
    }
  }

  /** A trace metric of the last replay (NaN before any replay, and where its trace did not record it). */
  double traceMetric(String key) { return lastReplay == null ? Double.NaN : lastReplay.value(TraceMetric.of(key)); }

  /** The last replay started, or null (the report's trace section). */
  public Replay lastReplay() { return lastReplay; }

  private void fork(Event.Fork f) {
    ThreadRef ref = f.thread();
    int family = program.family(ref);
    int index = index(ref);
    if (threads.get(family, index) != null)
      throw new ScriptError(ref.pos(), "thread '" + name(ref, index) + "' was already forked");
    Task parent = f.parent() == null ? null : task(f.parent());
    int cpu = f.cpu() != null ? cpu(f.cpu()) : strand != null ? strand.cpu : 0;
    ThreadKind kind = f.threadKind() == Event.ThreadKind.KERNEL ? ThreadKind.KERNEL : ThreadKind.USER;
    Policy policy = policy(program.policyOf(f));
    if (strand != null) {
      // Queued: a second fork of the same thread before this one runs must still be refused.
      for (Pending p : strand.pending) if (p.op instanceof Op.Fork q && q.name().equals(name(ref, index)))
        throw new ScriptError(ref.pos(), "thread '" + name(ref, index) + "' was already forked");
    }
    emit(new Op.Fork(name(ref, index), cpu, kind, policy.id, parent), f, t -> threads.put(family, index, t));
  }

  private static String name(ThreadRef ref, int index) {
    return ref.indexed() ? ref.family() + "[" + index + "]" : ref.family();
  }

  private int index(ThreadRef ref) {
    if (!ref.indexed()) return 0;
    double v = eval.num(ref.index());
    if (v != Math.rint(v) || v < 0 || v > Families.MAX_INDEX)
      throw new ScriptError(ref.index().pos(), "a thread index must be a whole number from 0 to " + Families.MAX_INDEX + ", not " + Values.number(v));
    return (int) v;
  }

  private Task task(ThreadRef ref) {
    int index = index(ref);
    Task t = threads.get(program.family(ref), index);
    if (t == null) throw new ScriptError(ref.pos(), "thread '" + name(ref, index) + "' was never forked");
    return t;
  }

  private int cpu(Expr e) {
    double v = eval.num(e);
    String problem = Values.cpuProblem(v, program.machine().cpus);
    if (problem != null) throw new ScriptError(e.pos(), problem);
    return (int) v;
  }

  /** A size or offset in whole bytes, between 0 and 1 TiB. */
  private long bytes(Expr e) {
    double v = eval.num(e);
    if (!(v >= 0 && v <= 0x1p40)) throw new ScriptError(e.pos(), "a size must be between 0 B and 1 TiB, not " + Format.bytes(v));
    return (long) v;
  }

  private long count(Expr e, String what) {
    double v = eval.num(e);
    whole(v, e.pos(), what);
    return v < 0 ? 0 : (long) v;
  }

  private static void whole(double v, Pos pos, String what) {
    if (v != Math.rint(v)) throw new ScriptError(pos, what + " must be a whole number, not " + Values.number(v));
    if (Math.abs(v) > 9e15) throw new ScriptError(pos, what + " must be at most 9e15 (9,000,000,000,000,000) in size, not " + Values.number(v));
  }

  private Sampler sampler(Stmt.Dist d) {
    return switch (d) {
      case Stmt.Fixed f -> Sampler.fixed(bytes(f.size()));
      case Stmt.Uniform u -> {
        long lo = bytes(u.low()), hi = bytes(u.high());
        if (hi < lo) throw new ScriptError(u.high().pos(), "uniform(LOW, HIGH) needs LOW <= HIGH");
        yield Sampler.uniform(lo, hi);
      }
      case Stmt.Histogram h -> {
        double[] sizes = new double[h.buckets().size()], weights = new double[sizes.length];
        double sum = 0;
        for (int i = 0; i < sizes.length; i++) {
          Stmt.Bucket b = h.buckets().get(i);
          sizes[i] = bytes(b.size());
          weights[i] = eval.num(b.weight());
          if (!(weights[i] >= 0)) throw new ScriptError(b.weight().pos(), "a percentage cannot be negative");
          sum += weights[i];
        }
        if (Math.abs(sum - 1) > 1e-6)
          throw new ScriptError(h.buckets().get(0).size().pos(), "the percentages add up to " + Format.percent(sum) + ", expected 100%");
        yield Sampler.histogram(sizes, weights);
      }
    };
  }

  /** Blocks being run, innermost on top: the top level's, or one CPU program's. */
  private static final class Cursor {
    Frame[] frames = new Frame[16];
    int top;

    Cursor() { for (int i = 0; i < frames.length; i++) frames[i] = new Frame(); }

    Frame push(int kind, List<Stmt> body, Stmt owner, Task task) {
      if (++top == frames.length) {
        frames = java.util.Arrays.copyOf(frames, frames.length * 2);
        for (int i = top; i < frames.length; i++) frames[i] = new Frame();
      }
      return frames[top].set(kind, body, owner, task);
    }

    Cursor copy(Copier c) {
      Cursor k = new Cursor();
      k.frames = new Frame[frames.length];
      for (int i = 0; i < frames.length; i++) k.frames[i] = frames[i].copy(c);
      k.top = top;
      return k;
    }
  }

  /** An operation a CPU program has reached and not yet run; {@code then} takes its result (a fork's thread). */
  private record Pending(Op op, Event event, java.util.function.Consumer<Task> then) {
    /** Where an error of this operation is reported: its event's thread, or the event. */
    Pos where() { return event.thread() != null ? event.thread().pos() : event.pos(); }
  }

  /** One CPU's program in a parallel block: its cursor, the end of its last event, its next operations. */
  private static final class Strand {
    final int cpu;
    final Cursor cursor;
    long time;
    final java.util.ArrayDeque<Pending> pending = new java.util.ArrayDeque<>();
    boolean done;
    /** The event its last operation came from (explore's witness). */
    Event last;

    Strand(int cpu, List<Stmt> body, long start) {
      this.cpu = cpu;
      this.cursor = new Cursor();
      this.time = start;
      cursor.frames[0].set(Frame.BLOCK, body, null, null);
    }

    private Strand(int cpu, Cursor cursor) {
      this.cpu = cpu;
      this.cursor = cursor;
    }

    /** The same program at the same place in a copy of the session (between events: nothing pending). */
    Strand copy(Copier c) {
      if (!pending.isEmpty()) throw new IllegalStateException("a CPU program with pending operations");
      Strand s = new Strand(cpu, cursor.copy(c));
      s.time = time;
      s.done = done;
      s.last = last;
      return s;
    }
  }

  /** A running parallel block: its programs, in CPU order. */
  private record Parallel(Stmt.Parallel stmt, Strand[] strands) {
    /**
     * The program whose next operation starts first (equal times: the lower CPU's), or null when
     * none has one. An operation on a sleeping thread (but its wake) waits until another program
     * wakes it.
     */
    Strand next(Machine m) {
      Strand best = null;
      long first = 0;
      for (Strand s : strands) {
        if (s.pending.isEmpty() || waits(s.pending.peek().op())) continue;
        long start = m.startOf(s.pending.peek().op(), s.time);
        if (best == null || start < first) { best = s; first = start; }
      }
      return best;
    }

    static boolean waits(Op op) {
      Task t = op.thread();
      return t != null && t.state == Task.State.SLEEPING && !(op instanceof Op.Wake) && !(op instanceof Op.Touch);
    }

    /** A program whose next operation waits for a wake no program will send, or null. */
    Strand stuck() {
      for (Strand s : strands) if (!s.pending.isEmpty()) return s;
      return null;
    }
  }

  /** One block being run: the top level, a loop, a branch, or the body of syscall/atomic/noirq. */
  private static final class Frame {
    static final int TOP = 0, BLOCK = 1, REPEAT = 2, FOR = 3, SYSCALL = 4, ATOMIC = 5, NOIRQ = 6;
    int kind;
    List<Stmt> body;
    int pc;
    Stmt owner;
    Task task;
    long remaining;
    int slot;
    double value, end;

    /** The frame in a copy of the session: the same place in the same statements, its thread the copy's. */
    Frame copy(Copier c) {
      Frame f = new Frame();
      f.kind = kind;
      f.body = body;
      f.pc = pc;
      f.owner = owner;
      f.task = Task.copy(task, c);
      f.remaining = remaining;
      f.slot = slot;
      f.value = value;
      f.end = end;
      return f;
    }

    Frame set(int kind, List<Stmt> body, Stmt owner, Task task) {
      this.kind = kind;
      this.body = body;
      this.owner = owner;
      this.task = task;
      this.pc = 0;
      return this;
    }
  }
}
