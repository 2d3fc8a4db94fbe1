package dev.kss.repl;

import static org.junit.jupiter.api.Assertions.*;

import dev.kss.Scripts;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class DebuggerTest {
  private final StringWriter buf = new StringWriter();
  private final Debugger d = new Debugger(new PrintWriter(buf, true), dev.kss.js.Js.enable(dev.kss.run.Options.defaults()));

  /** Handles the inputs; returns what the last one printed. */
  private String type(String... inputs) {
    String last = "";
    for (String in : inputs) {
      buf.getBuffer().setLength(0);
      assertTrue(d.handle(in), in);
      last = buf.toString();
    }
    return last;
  }

  private static String example() { return Scripts.root().resolve("examples/laight-stale-tlb.kss").toString(); }

  @Test void loadingAScriptRunsNothing() {
    String out = type(":load " + example());
    assertTrue(out.contains("none run yet"), out);
    assertEquals(0, d.session().events());
  }

  @Test void continueStopsAtTheStaleTlbViolationAndBackShowsTheStackPagesThatChanged() {
    String out = type(":load " + example(), ":break violation", ":continue");
    assertTrue(out.contains("violation: violations.stale_tlb = 1 (local_flush)"), out);
    assertEquals(13, d.session().events());
    String atViolation = type(":show stack a");
    assertTrue(atViolation.contains("cpu1(STALE)"), atViolation);
    assertTrue(type(":back 2").contains("[event 11,"));
    String before = type(":show stack a");
    assertTrue(before.contains("depth 0 B"), before);
    assertTrue(before.lines().anyMatch(l -> l.startsWith(" * ")), "changed pages are marked:\n" + before);
  }

  @Test void goingBackAndForwardAgainGivesTheSameStateExactly() {
    type(":load " + example(), ":step 20");
    String metrics = type(":metrics"), stack = type(":show stack b"), tlb = type(":show tlb 1");
    type(":back 15", ":step 15");
    assertEquals(20, d.session().events());
    assertEquals(metrics, type(":metrics"));
    assertEquals(stack.replace(" * ", "   "), type(":show stack b").replace(" * ", "   "));
    assertEquals(tlb, type(":show tlb 1"));
  }

  /** A JS policy's JavaScript state cannot be copied: going back replays, and the module runs on as it did. */
  @Test void goingBackWithAJsPolicyReplaysAndTheModuleRunsOn() {
    String js = Scripts.root().resolve("examples/js-numa-lifo.kss").toString();
    type(":load " + js, ":step 30");
    String metrics = type(":metrics");
    type(":back 5", ":step 5");
    assertEquals(30, d.session().events());
    assertEquals(metrics, type(":metrics"));
    dev.kss.run.AttachedHooks lifo = null;
    for (var p : d.session().machine().policies()) if (p.name.equals("lifo")) lifo = dev.kss.run.Session.hooks(p);
    assertNotNull(lifo);
    assertTrue(lifo.running(), "the module was ejected");
    assertTrue((Double) lifo.metric("calls") > 0);
  }

  @Test void typedStatementsRunAtOnceAndComeBackWhenSteppingOverThemAgain() {
    type("fork a", "let n = 3", "repeat n { enter a; leave a }");
    assertEquals(7, d.session().events());
    assertTrue(type(":back 4").contains("[event 3,"));
    type(":step 4");
    assertEquals(7, d.session().events());
    assertEquals("3\n", type("print n"));
    assertTrue(type(":back 7").contains("next: <input 1>:1  fork a"));
  }

  @Test void anErrorShowsTheCaretAndLeavesTheSessionAsItWas() {
    type("fork a", "enter a");
    String out = type("enter a");
    assertTrue(out.contains("<input 3>:1:7: 'a' is already in the kernel"), out);
    assertTrue(out.contains("      ^"), out);
    assertEquals(2, d.session().events());
    assertTrue(type("depth a 2 parsecs").contains("unknown unit 'parsecs'"));
    assertTrue(type(":frobnicate").contains("unknown command"));
    assertTrue(type(":step x").contains("expected a count"));
    type("leave a");
    assertEquals(3, d.session().events());
  }

  @Test void aRuntimeErrorInTheScriptStopsBeforeTheFailingStatement() {
    type("fork a", "sleep a");
    // an event on a sleeping thread fails; the cursor stays where it was
    String out = type("enter a");
    assertTrue(out.contains("sleeping"), out);
    assertEquals(2, d.session().events());
    type("wake a", "enter a");
    assertEquals(4, d.session().events());
  }

  @Test void nextRunsAWholeBlock() {
    type("fork a", "let x = 0");
    type(":back 1");
    assertEquals(0, d.session().events());
    type("fork b", "syscall b depth 4 KiB { depth b 8 KiB }");
    assertEquals(4, d.session().events()); // fork b; enter and depth, depth, depth 0 and leave
    type(":back 3");
    assertEquals(1, d.session().events());
    type(":next");
    assertEquals(4, d.session().events());
  }

  @Test void watchesStopWhenTheValueChangesAndDisplaysShowAtEveryStop() {
    type(":load " + example());
    assertTrue(type(":watch threads.live").contains("threads.live = 0"));
    assertTrue(type(":display time.now").contains("time.now = 0 ns"));
    String out = type(":continue");
    assertTrue(out.contains("watch 1: threads.live: 0 -> 1"), out);
    assertTrue(out.contains("2: time.now = "), out);
    type(":delete 1");
    assertTrue(type(":break when threads.live == 3").contains("breakpoint 3"));
    out = type(":continue");
    assertTrue(out.contains("threads.live == 3 is true"), out);
    assertEquals("3\n", type("print threads.live"));
  }

  @Test void breakpointsOnLinesAndEventKinds() {
    type(":load " + example(), ":break 33", ":break rcu_sync");
    assertTrue(type(":continue").contains("next: line 33  enter a"));
    type(":delete", ":break touch");
    assertTrue(type(":continue").contains("next: line 35  touch a at 10 KiB from cpu 1"));
  }

  @Test void showsTheMachine() {
    type(":load " + example(), ":step 7");
    assertTrue(type(":show cpus").contains("a (user)"));
    assertTrue(type(":show threads").contains("local_flush"));
    assertTrue(type(":show tlb 1").contains("a page 2"));
    assertTrue(type(":show rcu").contains("grace periods completed: 0"));
    assertTrue(type(":show caches").contains("page supply (pages): cpu0: 3"));
    assertTrue(type(":metrics tlb.").startsWith("tlb.misses"));
    assertTrue(type(":show stack nobody").contains("no live thread 'nobody'; live: a, b"));
    assertTrue(type(":show tlb 9").contains("expected a CPU from 0 to 1"));
  }

  @Test void resetGoesBackToTheStartAndQuitEnds() {
    type(":load " + example(), ":continue");
    assertTrue(d.session().atEnd());
    type(":reset");
    assertEquals(0, d.session().events());
    assertFalse(d.handle(":q"));
  }

  @Test void everyCommandHasHelp() {
    for (Commands.Command c : d.commands().all()) {
      assertTrue(type(":help " + c.name()).contains(c.usage()), c.name());
      assertEquals(c, d.commands().find(c.alias()));
    }
  }
}
