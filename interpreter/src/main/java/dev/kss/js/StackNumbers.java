package dev.kss.js;

import dev.kss.machine.mem.KernelStack;
import dev.kss.machine.stack.Kernel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The numbers by which a JS policy's module knows stacks: the prelude's stack objects carry them,
 * the host finds the stack of a number in a table, and a stack keeps its own view
 * ({@link KernelStack#hookView}), so neither side looks anything up in a map on a hook call.
 *
 * <p>A number is handed out again only after the prelude has forgotten it as well (it drops the
 * stack object it had from its table), so a stale stack object a module still holds can never name
 * a different stack: it is refused as freed.
 */
final class StackNumbers {
  private final Kernel k;
  /** By number, from 1 (0: no stack); null where no stack has the number now. */
  private StackView[] byId = new StackView[64];
  private int next = 1, known;
  /** Numbers both sides have forgotten, for reuse. */
  private int[] reusable = new int[64];
  private int reusableCount;
  /** Stacks the module keeps now (StackView.keptOn). */
  private int kept;

  StackNumbers(Kernel k) { this.k = k; }

  /** The view of stack {@code s}, numbered now if it has no number yet. */
  StackView of(KernelStack s) {
    if (s.hookView != null) return (StackView) s.hookView;   // set only here: a stack has one policy, so one table
    int id = reusableCount > 0 ? reusable[--reusableCount] : next++;
    if (id == byId.length) byId = Arrays.copyOf(byId, id * 2);
    StackView v = byId[id] = new StackView(id, s, k);
    s.hookView = v;
    known++;
    return v;
  }

  /** The stack numbered {@code id} now, or null. */
  StackView get(int id) { return id > 0 && id < next ? byId[id] : null; }

  /**
   * Forgets stack {@code s} (freed, not kept): returns its number, or 0 if it had none. The number
   * is not reused until {@link #reuse} says the prelude has forgotten it too.
   */
  int forget(KernelStack s) {
    if (!(s.hookView instanceof StackView v)) return 0;
    take(v);
    byId[v.id] = null;
    s.hookView = null;
    known--;
    return v.id;
  }

  /** Number {@code id}, forgotten here, is forgotten by the prelude as well: it may be handed out again. */
  void reuse(int id) {
    if (reusableCount == reusable.length) reusable = Arrays.copyOf(reusable, reusableCount * 2);
    reusable[reusableCount++] = id;
  }

  /** Stacks numbered now. */
  int known() { return known; }

  /** The module keeps stack {@code v}, released on {@code cpu}. */
  void keep(StackView v, int cpu) {
    v.keptOn = cpu;
    kept++;
  }

  /** The module hands out stack {@code v}: false if it does not keep it. */
  boolean take(StackView v) {
    if (v.keptOn < 0) return false;
    v.keptOn = -1;
    kept--;
    return true;
  }

  /** Stacks the module keeps. */
  int kept() { return kept; }

  /** The stacks the module keeps, by number (deterministic), each with the CPU that released it. */
  List<Map.Entry<KernelStack, Integer>> keptStacks() {
    List<Map.Entry<KernelStack, Integer>> list = new ArrayList<>(kept);
    forEachKept((cpu, s) -> list.add(Map.entry(s, cpu)));
    return list;
  }

  /** The stacks the module keeps, by number (deterministic), with the CPU that released each. */
  void forEachKept(BiConsumer<Integer, KernelStack> each) {
    if (kept == 0) return;
    for (int id = 1; id < next; id++) {
      StackView v = byId[id];
      if (v != null && v.keptOn >= 0) each.accept(v.keptOn, v.stack);
    }
  }

  /** Forgets every stack (an ejection: the module is gone). */
  void clear() {
    for (int id = 1; id < next; id++) if (byId[id] != null) byId[id].stack.hookView = null;
    Arrays.fill(byId, null);
    next = 1;
    known = 0;
    kept = 0;
    reusableCount = 0;
  }
}
