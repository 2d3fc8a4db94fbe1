package dev.kss.js;

import dev.kss.machine.Kernel;
import dev.kss.machine.stack.KernelStack;
import java.util.Arrays;

/**
 * The numbers by which a JS policy's module knows stacks: the prelude's stack objects carry them,
 * the host finds the stack of a number in a table, and a stack keeps its own number
 * ({@link KernelStack#hookId}), so neither side looks anything up in a map on a hook call.
 *
 * <p>A number is handed out again only after the prelude has forgotten it as well (it marks the
 * stack object it had as freed), so a stale stack object a module still holds can never name a
 * different stack: it is refused as freed.
 */
final class StackNumbers {
  private final Kernel k;
  /** By number, from 1 (0: no stack); null where no stack has the number now. */
  private StackView[] byId = new StackView[64];
  private int next = 1, known;
  /** Numbers both sides have forgotten, for reuse. */
  private int[] reusable = new int[64];
  private int reusableCount;

  StackNumbers(Kernel k) { this.k = k; }

  /** The view of stack {@code s}, numbered now if it has no number yet. */
  StackView of(KernelStack s) {
    int id = s.hookId;
    if (id > 0 && id < next && byId[id] != null && byId[id].stack == s) return byId[id];
    id = reusableCount > 0 ? reusable[--reusableCount] : next++;
    if (id == byId.length) byId = Arrays.copyOf(byId, id * 2);
    StackView v = byId[id] = new StackView(id, s, k);
    s.hookId = id;
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
    int id = s.hookId;
    if (id <= 0 || id >= next || byId[id] == null || byId[id].stack != s) return 0;
    byId[id] = null;
    s.hookId = 0;
    known--;
    return id;
  }

  /** Number {@code id}, forgotten here, is forgotten by the prelude as well: it may be handed out again. */
  void reuse(int id) {
    if (reusableCount == reusable.length) reusable = Arrays.copyOf(reusable, reusableCount * 2);
    reusable[reusableCount++] = id;
  }

  /** Stacks numbered now. */
  int known() { return known; }

  /** Forgets every stack (an ejection: the module is gone). */
  void clear() {
    for (int id = 1; id < next; id++) if (byId[id] != null) byId[id].stack.hookId = 0;
    Arrays.fill(byId, null);
    next = 1;
    known = 0;
    reusableCount = 0;
  }
}
