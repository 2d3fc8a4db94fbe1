package dev.kss.check;

import dev.kss.ast.Event;
import dev.kss.ast.Expr;
import dev.kss.ast.Ident;
import dev.kss.ast.Pos;
import dev.kss.ast.Stmt;
import dev.kss.ast.ThreadRef;
import dev.kss.machine.MachineConfig;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checked script: the machine and policy configurations, the statements to run, and what the
 * checker found out about its nodes (types, what names refer to, slots). The interpreter reads it;
 * the checker keeps adding to it when the REPL checks more statements.
 */
public final class Program {
  final MachineConfig machine = new MachineConfig();
  final Map<String, PolicyDef> policies = new LinkedHashMap<>();
  final List<PolicyDef> policyList = new ArrayList<>();
  final List<String> families = new ArrayList<>();
  final List<Stmt> statements = new ArrayList<>();
  long seed;
  Pos seedPos;
  int variables;
  int dists;

  final Map<Expr, Type> types = new IdentityHashMap<>();
  final Map<Expr.Path, Ref> refs = new IdentityHashMap<>();
  final Map<ThreadRef, Integer> familyOf = new IdentityHashMap<>();
  final Map<Event.Fork, PolicyDef> forkPolicy = new IdentityHashMap<>();
  final Map<Ident, Integer> slotOf = new IdentityHashMap<>();
  final Map<Event.Replay, Trace> traces = new IdentityHashMap<>();
  final Map<Stmt.Explore, List<Stmt.Expect>> quantified = new IdentityHashMap<>();

  /** What a replay statement runs: the trace file (resolved next to the script), its name in messages, the policy of its threads. */
  public record Trace(java.nio.file.Path file, String shown, PolicyDef policy) {}

  public MachineConfig machine() { return machine; }
  public PolicyDef policy(String name) { return policies.get(name); }
  public List<PolicyDef> policies() { return policyList; }
  /** The statements of the script (and of any more the REPL added), in order. */
  public List<Stmt> statements() { return statements; }
  public long seed() { return seed; }
  /** How many variable slots and dist slots the statements use. */
  public int variables() { return variables; }
  public int dists() { return dists; }
  /** Thread families by slot (a plain thread {@code a} is a family of one). */
  public List<String> families() { return families; }

  public Type type(Expr e) { return types.get(e); }
  public Ref ref(Expr.Path p) { return refs.get(p); }
  public int family(ThreadRef t) { return familyOf.get(t); }
  public PolicyDef policyOf(Event.Fork f) { return forkPolicy.get(f); }
  public Trace trace(Event.Replay r) { return traces.get(r); }
  /** The quantified expectations that refer to {@code x}, in script order. */
  public List<Stmt.Expect> quantified(Stmt.Explore x) { return quantified.getOrDefault(x, List.of()); }
  /** The slot of a {@code let} or {@code for} variable, or of a dist (declared or named by an event). */
  public int slot(Ident name) { return slotOf.get(name); }
}
