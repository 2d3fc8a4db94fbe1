package dev.kss.ast;

import java.util.Arrays;
import java.util.List;

/**
 * Every event keyword of the language, declared once: the AST's events name their kind with it,
 * the REPL's {@code :break} and completion list it, and a test checks that the grammar (Kss.g4) has
 * each as a keyword.
 */
public enum EventKind {
  FORK("fork", "create a thread and its kernel stack"),
  EXIT("exit", "the thread dies; its stack is released as its policy says"),
  ENTER("enter", "user mode to kernel mode (a syscall, an interrupt)"),
  LEAVE("leave", "kernel mode to user mode"),
  SLEEP("sleep", "the thread sleeps (in the kernel, for a user thread in a syscall)"),
  RUN("run", "the thread's CPU switches to it"),
  PREEMPT_DISABLE("preempt_disable", "preemption off (nests)"),
  PREEMPT_ENABLE("preempt_enable", "preemption on again"),
  IRQ_DISABLE("irq_disable", "interrupts off (nests)"),
  IRQ_ENABLE("irq_enable", "interrupts on again"),
  DEPTH("depth", "the thread's kernel stack usage becomes SIZE"),
  SYSCALL("syscall", "enter, depth, the block, depth 0, leave"),
  ATOMIC("atomic", "preemption off around a block"),
  NOIRQ("noirq", "interrupts off around a block"),
  ENSURE("ensure", "ask for SIZE more stack before going deeper"),
  WAKE("wake", "a sleeping thread becomes runnable"),
  MIGRATE("migrate", "the thread moves to another CPU"),
  PUBLISH("publish", "an object on the thread's stack becomes reachable from other CPUs"),
  TOUCH("touch", "a CPU dereferences an object on a thread's stack"),
  ADVANCE("advance", "time passes"),
  RCU_SYNC("rcu_sync", "wait until a full RCU grace period has elapsed"),
  REPLAY("replay", "run a recorded perf scheduler trace, task by task");

  public final String keyword;
  public final String meaning;

  EventKind(String keyword, String meaning) {
    this.keyword = keyword;
    this.meaning = meaning;
  }

  public static EventKind of(String keyword) {
    for (EventKind k : values()) if (k.keyword.equals(keyword)) return k;
    throw new IllegalArgumentException(keyword);
  }

  /** The keywords, in the order above. */
  public static List<String> keywords() { return Arrays.stream(values()).map(k -> k.keyword).toList(); }
}
