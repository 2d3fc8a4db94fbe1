package dev.kss.check;

import dev.kss.ast.Pos;
import dev.kss.machine.stack.PolicyConfig;

/**
 * A policy the script can name: its settings, already validated by the model, and where it was
 * declared ({@code pos} null for the built-in {@code default}). A JS policy ({@code hooks} non-null)
 * runs its module's hooks over {@code config}, the settings of its base.
 */
public record PolicyDef(String name, int slot, PolicyConfig config, Pos pos, HookModule hooks) {
  public PolicyDef(String name, int slot, PolicyConfig config, Pos pos) { this(name, slot, config, pos, null); }

  public boolean builtin() { return pos == null; }
}
