package dev.kss.machine.sched;

/** A thread (the kernel's task_struct). Filled in by the model. */
public final class Task {
  public final String name;
  public Task(String name) { this.name = name; }
  @Override public String toString() { return name; }
}
