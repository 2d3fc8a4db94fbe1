package dev.kss.repl;

import java.util.List;

/** The REPL's commands: names, short aliases, usage and help (for :help and the completer). */
public final class Commands {
  public record Command(String name, String alias, String usage, String help) {}

  static final List<Command> ALL = List.of(
      new Command(":load", ":l", ":load FILE", "Load a script without running it; the previous session ends."),
      new Command(":step", ":s", ":step [N]", "Run the next N events (1), stopping early at a breakpoint or watch; inside parallel, in time order, saying which CPU ran."),
      new Command(":next", ":n", ":next", "Run the next statement; a block (syscall, atomic, repeat, for, if) runs to its end."),
      new Command(":continue", ":c", ":continue", "Run to a breakpoint, a watch or the end. Ctrl-C stops it."),
      new Command(":back", ":bk", ":back [N]", "Go back N events (1), exactly: the state is restored, not undone by hand."),
      new Command(":reset", ":r", ":reset", "Back to the start of the loaded script."),
      new Command(":where", ":wh", ":where", "Show the event count, the time and the statement that runs next."),
      new Command(":break", ":b", ":break [LINE | EVENT | violation | when CONDITION]",
          "Stop before LINE of the script, before an event of a kind (touch, fork, ...), after any violation, or when "
              + "CONDITION becomes true. Without an argument: list breakpoints and watches."),
      new Command(":watch", ":w", ":watch EXPR", "Stop when the value of EXPR changes, and show old and new value."),
      new Command(":display", ":d", ":display [EXPR]", "Show EXPR at every stop. Without an argument: show them all now."),
      new Command(":delete", ":del", ":delete [ID]", "Delete a breakpoint, watch or display (all without an ID)."),
      new Command(":show", ":sh", ":show cpus | threads | stack THREAD | tlb CPU | caches | rcu",
          "Inspect the machine. cpus: each CPU's clock, what it runs, its TLB and RCU state. stack: the pages top to guard, mapped or not, the frame behind each, which CPUs' TLBs "
              + "hold it (stale ones marked), depth and stack pointer; * marks what changed since the last :show stack."),
      new Command(":metrics", ":m", ":metrics [PREFIX]",
          "Metrics whose names start with PREFIX (all without one); cpu[N].PREFIX: CPU N's own (cpu[1].now is its clock)."),
      new Command(":help", ":h", ":help [COMMAND]", "This list, or the help of one command."),
      new Command(":quit", ":q", ":quit", "Leave the REPL (Ctrl-D too)."));

  /** A command by name or alias, or null. */
  public Command find(String word) {
    for (Command c : ALL) if (c.name.equals(word) || c.alias.equals(word)) return c;
    return null;
  }

  public List<Command> all() { return ALL; }

  String help(String arg) {
    StringBuilder b = new StringBuilder();
    if (!arg.isEmpty()) {
      Command c = find(arg.startsWith(":") ? arg : ":" + arg);
      if (c == null) return "no command " + arg + "; :help lists them\n";
      return c.usage + "   (alias " + c.alias + ")\n  " + c.help + "\n";
    }
    b.append("Type .kss statements to run them now (blocks continue on the next line), or a command:\n");
    for (Command c : ALL) b.append(String.format("  %-28s %-5s %s%n", c.usage.length() > 28 ? c.name + " ..." : c.usage, c.alias, firstSentence(c.help)));
    b.append(":help COMMAND for more. Tab completes; Ctrl-C stops a run; Ctrl-D leaves.\n");
    return b.toString();
  }

  private static String firstSentence(String s) {
    int dot = s.indexOf(". ");
    return dot < 0 ? s : s.substring(0, dot + 1);
  }
}
