package dev.kss.run;

import dev.kss.machine.base.Copier;
import dev.kss.machine.sched.Task;
import java.util.Arrays;

/** The forked threads: one growable array per family slot (a plain thread is index 0 of its own). */
final class Families {
  /** Indices stay below this, so that one typo cannot allocate gigabytes. */
  static final int MAX_INDEX = (1 << 24) - 1;

  private Task[][] tasks = new Task[8][];

  /** Becomes a copy of {@code o}, each thread the copy's. */
  void copyFrom(Families o, Copier c) {
    tasks = new Task[o.tasks.length][];
    for (int f = 0; f < tasks.length; f++) {
      Task[] from = o.tasks[f];
      if (from == null) continue;
      Task[] to = tasks[f] = new Task[from.length];
      for (int i = 0; i < from.length; i++) to[i] = Task.copy(from[i], c);
    }
  }

  Task get(int family, int index) {
    if (family >= tasks.length) return null;
    Task[] f = tasks[family];
    return f == null || index >= f.length ? null : f[index];
  }

  void put(int family, int index, Task t) {
    if (family >= tasks.length) tasks = Arrays.copyOf(tasks, Math.max(family + 1, tasks.length * 2));
    Task[] f = tasks[family];
    if (f == null) f = tasks[family] = new Task[Math.max(4, index + 1)];
    else if (index >= f.length) f = tasks[family] = Arrays.copyOf(f, Math.max(index + 1, f.length * 2));
    f[index] = t;
  }
}
