package dev.kss.check;

import dev.kss.ast.Pos;
import dev.kss.machine.stack.PolicyConfig;

/**
 * A policy the script can name: its settings, already validated by the model, and where it was
 * declared ({@code pos} null for the built-in {@code default}).
 */
public record PolicyDef(String name, int slot, PolicyConfig config, Pos pos) {
  public boolean builtin() { return pos == null; }
}
