package dev.kss.machine.config;

/**
 * A setting the model cannot accept. {@code argIndex} says which value was wrong (-1: the key
 * itself, or the whole setting), so the checker can put its caret there; the message says what
 * was expected, in words a kernel engineer understands.
 */
public final class SettingError extends Exception {
  private final int argIndex;

  public SettingError(int argIndex, String message) {
    super(message, null, false, false);
    this.argIndex = argIndex;
  }

  public int argIndex() { return argIndex; }
}
