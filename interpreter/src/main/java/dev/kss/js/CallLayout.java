package dev.kss.js;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What the host and the prelude (kss-prelude.js) share, declared once: the hooks and their
 * numbers, the places of a hook call's numbers in the shared int array, the prelude's answers, the
 * bits of a thread's packed flags, and the shared double array (the module's counters, then the
 * hook-state word, then the thread's depth). The prelude gets it as JSON ({@link #json}) and names
 * every number by these names, so neither side writes the other's literals.
 *
 * <p>No host object crosses on a hook call: the host writes a hook's number and arguments into the
 * ints, calls the prelude's one entry without arguments, and reads the answer from the same place.
 */
final class CallLayout {
  private CallLayout() {}

  /** The hooks a module may define; a hook's number is its place here. */
  static final List<String> HOOKS = List.of("init", "alloc", "free", "fault", "enter", "leave", "sleep", "switchOut", "switchIn", "reclaim");
  static final int INIT = hook("init"), ALLOC = hook("alloc"), FREE = hook("free"), FAULT = hook("fault"),
      ENTER = hook("enter"), LEAVE = hook("leave"), SLEEP = hook("sleep"), SWITCH_OUT = hook("switchOut"),
      SWITCH_IN = hook("switchIn"), RECLAIM = hook("reclaim");

  /**
   * Places in the ints: the hook's number (then the prelude's answer), the thread's id, its
   * {@code cpu << CPU_SHIFT | node << NODE_SHIFT | flags}, its stack's number and pages, the hook's
   * extra argument, the thread's depth in pages, then up to {@link #FORGET_BATCH} stack numbers to forget.
   */
  static final int HOOK = 0, ID = 1, WHERE = 2, STACK = 3, PAGES = 4, EXTRA = 5, DEPTH_PAGES = 6, FORGOTTEN = 7;
  static final int FORGET_BATCH = 64;
  static final int INTS = FORGOTTEN + FORGET_BATCH;

  /** Entries of the prelude besides the hooks: forget the stacks listed (their count in ID); describe the last wrong answer. */
  static final int FORGET = -1, DESCRIBE = -2;

  /** Answers: no stack (alloc), a stack object the prelude dropped as freed, a value of the wrong kind. */
  static final int NONE = -1, FREED = -2, WRONG = -3;

  /** A thread's flags, and where its node and CPU sit (a CPU takes 12 bits, MachineConfig.MAX_CPUS; a node 6, up to 64). */
  static final int KERNEL = 1, IN_KERNEL = 2, SLEEPING = 4, ATOMIC = 8, NODE_SHIFT = 4, CPU_SHIFT = 10;

  /** The doubles for {@code counters} counters: the counters, the hook-state word, the depth in bytes. */
  static int doubles(int counters) { return counters + 2; }

  /** The hook-state word: 1 while a hook may count in place (a hook runs and no request was refused). */
  static int okAt(int counters) { return counters; }

  static int depthAt(int counters) { return counters + 1; }

  private static int hook(String name) { return HOOKS.indexOf(name); }

  /** The layout for the prelude of a module with {@code counters} counters. */
  static String json(int counters) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("OK_AT", okAt(counters));
    o.put("DEPTH_AT", depthAt(counters));
    HOOKS.forEach(o.putArray("hooks")::add);
    put(o, "HOOK", HOOK, "ID", ID, "WHERE", WHERE, "STACK", STACK, "PAGES", PAGES, "EXTRA", EXTRA, "DEPTH_PAGES", DEPTH_PAGES,
        "FORGOTTEN", FORGOTTEN, "FORGET", FORGET, "DESCRIBE", DESCRIBE, "NONE", NONE, "FREED", FREED, "WRONG", WRONG,
        "KERNEL", KERNEL, "IN_KERNEL", IN_KERNEL, "SLEEPING", SLEEPING, "ATOMIC", ATOMIC, "NODE_SHIFT", NODE_SHIFT, "CPU_SHIFT", CPU_SHIFT);
    return o.toString();
  }

  private static void put(ObjectNode o, Object... kv) {
    for (int i = 0; i < kv.length; i += 2) o.put((String) kv[i], (Integer) kv[i + 1]);
  }
}
