package dev.kss.machine.stack;

/** A named stack policy as the machine runs it. Filled in by the model. */
public final class Policy {
  public final String name;
  public final int id;
  public final PolicyConfig config;

  public Policy(String name, int id, PolicyConfig config) {
    this.name = name;
    this.id = id;
    this.config = config;
  }

  @Override public String toString() { return name; }
}
