package dev.kss.machine.config;

import java.util.List;

/** A block of {@code KEY VALUE ...} settings: the machine, its cost table, its TLBs, a policy. */
public interface Settable {
  /** Applies {@code key args...}; throws when the key is unknown or a value does not fit. */
  void set(String key, List<Arg> args) throws SettingError;

  /** The nested block {@code key { ... }} (e.g. {@code costs}, {@code tlb}); throws when there is none. */
  default Settable block(String key) throws SettingError {
    throw new SettingError(-1, "'" + key + "' takes values, not a block");
  }

  /** The keys this block knows, for error messages and completion. */
  List<String> keys();
}
