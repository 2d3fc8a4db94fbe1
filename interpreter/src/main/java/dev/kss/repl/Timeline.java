package dev.kss.repl;

import dev.kss.ast.Stmt;
import dev.kss.run.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The session's past, for {@code :back}: checkpoints of the session at some event counts, and
 * deterministic replay (same program, same seed, same events) from the nearest one to any count.
 * Statements typed at the prompt are part of the past: each is recorded at the event count it was
 * typed at, and replay puts it back at the cursor there. A checkpoint at a count is always taken
 * before the inputs typed at that count.
 *
 * <p>When the session cannot be copied (a JS policy holds state outside it), every replay starts
 * from a fresh session: slower, just as exact.
 *
 * <p>A checkpoint is taken once the session has run for {@link #EVERY_NS} since the last one (or
 * twice as long as taking that one took, for big machines), so going back replays at most that
 * much. Old checkpoints are thinned out when they use more than {@link #budget} bytes: the
 * recent past stays dense, the distant past gets sparse, and every count stays reachable.
 */
final class Timeline {
  static final long EVERY_NS = 10_000_000;

  private final TreeMap<Long, Checkpoint> points = new TreeMap<>();
  private final TreeMap<Long, List<Input>> inputs = new TreeMap<>();
  private Supplier<Session> fresh;
  private final long budget;
  private long bytes;
  private long ranNs;
  private long lastCostNs;
  /** Why the session cannot be copied (a JS policy), or null. */
  private String unavailable;

  Timeline(long budget) { this.budget = budget; }

  /** Statements typed at one event count; {@code complete}: they ran to their end without an event. */
  static final class Input {
    final List<Stmt> body;
    boolean complete;

    Input(List<Stmt> body) { this.body = body; }
  }

  /** Starts over: {@code fresh} makes the session at event 0 (the one just made by it, or another like it). */
  void reset(Session s, Supplier<Session> fresh) {
    this.fresh = fresh;
    points.clear();
    inputs.clear();
    bytes = 0;
    unavailable = null;
    put(s);
  }

  /** The session has just run for {@code ns} of wall time: takes a checkpoint when it is due. */
  void ran(Session s, long ns) {
    ranNs += ns;
    if (ranNs >= Math.max(EVERY_NS, 2 * lastCostNs) && !points.containsKey(s.events())) put(s);
  }

  /**
   * {@code body} is about to be put at {@code s}'s cursor: the past diverges here. Forgets the
   * future beyond this count (checkpoints and inputs) and records the input.
   */
  Input input(Session s, List<Stmt> body) {
    long e = s.events();
    forgetAfter(e);
    if (!points.containsKey(e)) put(s);
    Input in = new Input(body);
    inputs.computeIfAbsent(e, k -> new ArrayList<>()).add(in);
    return in;
  }

  /** The input failed and the session is back as it was before it. */
  void cancel(Input in, long events) {
    forgetAfter(events);
    List<Input> at = inputs.get(events);
    if (at != null) at.remove(in);
  }

  private void forgetAfter(long e) {
    Map<Long, Checkpoint> later = points.tailMap(e, false);
    for (Checkpoint c : later.values()) bytes -= c.size();
    later.clear();
    inputs.tailMap(e, false).clear();
  }

  /** The session as it was after {@code events} events (with the inputs typed then put back at the cursor). */
  Session at(long events, Replay replay) {
    Map.Entry<Long, Checkpoint> e = points.floorEntry(events);
    Session s = e == null ? fresh.get() : e.getValue().restore();
    long start = System.nanoTime();
    replay.quietly(() -> {
      arrived(s);
      while (s.events() < events && s.step()) arrived(s);
    });
    ranNs = System.nanoTime() - start;
    return s;
  }

  /** {@code s} has just reached its event count: puts back what was typed at that count. */
  void arrived(Session s) {
    List<Input> typed = inputs.get(s.events());
    if (typed == null) return;
    for (Input in : typed) {
      int floor = s.insert(in.body);
      if (in.complete) while (s.step(floor)) { }
    }
  }

  /** Why checkpoints cannot be taken (going back replays from the start), or null. */
  String unavailable() { return unavailable; }

  int checkpoints() { return points.size(); }

  long bytes() { return bytes; }

  /** Runs a replay with the session's output silenced. */
  interface Replay { void quietly(Runnable r); }

  private void put(Session s) {
    if (unavailable != null) return;
    long start = System.nanoTime();
    Checkpoint c;
    try {
      c = Checkpoint.of(s);
    } catch (RuntimeException e) {
      // a JS policy: replay from the start from now on
      unavailable = "this session holds something that cannot be copied (" + e.getMessage() + ")";
      points.clear();
      bytes = 0;
      return;
    }
    lastCostNs = System.nanoTime() - start;
    ranNs = 0;
    Checkpoint old = points.put(s.events(), c);
    if (old != null) bytes -= old.size();
    bytes += c.size();
    thin();
  }

  /** Drops checkpoints, oldest gaps first weighted by age, until they fit the budget (keeps the first and the last 8). */
  private void thin() {
    while (bytes > budget && points.size() > 10) {
      long now = points.lastKey(), drop = -1;
      double best = Double.MAX_VALUE;
      Long prev = null;
      int i = 0, n = points.size();
      for (long k : points.keySet()) {
        if (prev != null && i < n - 8) {
          Long next = points.higherKey(k);
          // the gap that dropping k makes, relative to how far back it is
          double score = (double) (next - prev) / (now - k + 1);
          if (score < best) { best = score; drop = k; }
        }
        prev = k;
        i++;
      }
      if (drop < 0) return;
      bytes -= points.remove(drop).size();
    }
  }
}
