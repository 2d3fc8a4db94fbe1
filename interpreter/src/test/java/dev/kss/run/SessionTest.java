package dev.kss.run;

import static org.junit.jupiter.api.Assertions.*;

import dev.kss.Scripts;
import dev.kss.ast.ScriptError;
import dev.kss.ast.Source;
import dev.kss.ast.Stmt;
import dev.kss.check.Checker;
import dev.kss.check.Modules;
import dev.kss.check.Program;
import dev.kss.parse.Parser;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionTest {
  private static Session session(String text, Options options) {
    return new Session(Checker.check(Parser.parse(Source.of("t.kss", text))), options.withCheck(true));
  }

  private static ScriptError runtimeError(String text) {
    Session s = session(text, Options.defaults());
    return assertThrows(ScriptError.class, s::runToEnd);
  }

  @Test void stepRunsUntilOneMoreEventHasExecuted() {
    Session s = session("fork a\nlet x = 1\nsyscall a depth 2 KiB { depth a 3 KiB }\nexpect threads.live == 1\n", Options.defaults());
    assertInstanceOf(Stmt.class, s.next());
    assertTrue(s.step());            // fork
    assertEquals(1, s.events());
    assertTrue(s.step());            // syscall: enter, depth 2 KiB
    assertTrue(s.step());            // depth 3 KiB
    assertTrue(s.step());            // end of the syscall: depth 0, leave
    assertEquals(4, s.events());
    assertInstanceOf(Stmt.Expect.class, s.next());
    assertFalse(s.step());
    assertTrue(s.atEnd());
    assertTrue(s.allExpectationsHeld());
  }

  @Test void aSessionTakesMoreStatementsLater() {
    Checker checker = new Checker(Modules.CLASSPATH);
    checker.add(Parser.parse(Source.of("t.kss", "let n = 3\nfork a\n")));
    Program program = checker.program();
    Session s = new Session(program, Options.defaults().withCheck(true));
    s.runToEnd();
    checker.add(Parser.parse(Source.of("<repl>", "for i in 1..n { fork w[i] }\nexpect threads.live == n + 1\n")));
    s.runToEnd();
    assertEquals(4, s.events());
    assertTrue(s.allExpectationsHeld());
  }

  @Test void loopsRunTheirBodiesAndForIsInclusive() {
    Session s = session("let n = 0\nfor i in 0..9 { fork w[i] }\nrepeat 3 { fork x[0] ; exit x[0] }\n", Options.defaults());
    assertThrows(ScriptError.class, s::runToEnd); // x[0] forked twice
    Session ok = session("for i in 0..9 { fork w[i] }\nexpect threads.forked == 10\n", Options.defaults());
    ok.runToEnd();
    assertEquals(10, ok.events());
    assertTrue(ok.allExpectationsHeld());
  }

  @Test void anEventOnAThreadThatWasNeverForkedIsLocated() {
    ScriptError e = runtimeError("for i in 0..3 { fork w[i] }\nenter w[4]\n");
    assertEquals("2:7", e.pos().lineCol());
    assertTrue(e.getMessage().contains("'w[4]' was never forked"), e.getMessage());
  }

  @Test void machineErrorsAreReportedAtTheThreadArgument() {
    ScriptError e = runtimeError("machine { cpus 1 }\nfork a on cpu 0\nexit a\nexit a\n");
    assertEquals("4:6", e.pos().lineCol());
  }

  @Test void aCpuOutOfRangeThatIsNotConstantIsCheckedWhenItRuns() {
    ScriptError e = runtimeError("machine { cpus 2 }\nlet c = 5\nfork a on cpu c\n");
    assertEquals("3:15", e.pos().lineCol());
    assertTrue(e.getMessage().contains("cpu 5 does not exist"));
  }

  @Test void theBudgetStopsEndlessScripts() {
    Session s = session("repeat 1000000000 { }\n", Options.defaults().withBudget(100));
    ScriptError e = assertThrows(ScriptError.class, s::runToEnd);
    assertTrue(e.getMessage().contains("budget"));
    Session t = session("fork a\nrepeat 1000000000 { enter a; leave a }\n", Options.defaults().withBudget(100));
    assertThrows(ScriptError.class, t::runToEnd);
    assertTrue(t.events() < 100);
  }

  @Test void printFormatsValuesWithUnits() {
    List<String> lines = new ArrayList<>();
    Session s = session("let x = 3\nprint x, 16 KiB, 1.5 us, x > 2, \"hi\", 2 pages\n", Options.defaults().withPrinter(lines::add));
    s.runToEnd();
    assertEquals(List.of("3 16 KiB 1.5 us true hi 8 KiB"), lines);
  }

  /** What the script prints with seed 5 and with seed 6: fully populated stacks, and the uniform(1, 1000) each seed draws. */
  private static final String SEED_5 = "800 KiB 700", SEED_6 = "800 KiB 659";

  @Test void distsAreSampledWithTheSeed() {
    String script = "seed 5\ndist d = histogram { 3 KiB: 50%, 6 KiB: 50% }\nfor i in 0..49 { fork w[i]\n depth w[i] dist d }\nprint stacks.resident, uniform(1, 1000)\n";
    List<String> a = new ArrayList<>(), b = new ArrayList<>(), c = new ArrayList<>();
    session(script, Options.defaults().withPrinter(a::add)).runToEnd();
    session(script, Options.defaults().withPrinter(b::add)).runToEnd();
    session(script, Options.defaults().withSeed(6L).withPrinter(c::add)).runToEnd();
    assertEquals(a, b);
    assertEquals(1, a.size());
    assertNotEquals(a, c, "another seed draws other depths");
    assertEquals(List.of(SEED_5), a, "the seed's own draws");
    assertEquals(List.of(SEED_6), c);
  }

  @Test void aFailedExpectationShowsBothSidesAndExitsOne() {
    Scripts.Result r = Scripts.run("t.kss", "fork a\nexpect threads.live == 2\nexpect stacks.resident >= 1 KiB\n");
    assertEquals(1, r.exit(), r.err());
    assertTrue(r.out().contains("FAIL  2:1  expect threads.live == 2   (1 == 2)"), r.out());
    assertTrue(r.out().contains("PASS  3:1  expect stacks.resident >= 1 KiB"), r.out());
  }

  @Test void nothingIsPrintedBeforeARuntimeError() {
    Scripts.Result r = Scripts.run("t.kss", "print 1\nfork a\nexit a\nexit a\n");
    assertEquals(2, r.exit());
    assertEquals("", r.out());
    assertTrue(r.err().startsWith("t.kss:4:6: "), r.err());
  }

  @Test void theReportIsDeterministic() {
    String script = "use linux\nseed 3\ndist d = uniform(1 KiB, 12 KiB)\nfor i in 0..99 { fork w[i] on cpu i % 4 policy linux_dynamic\n depth w[i] dist d }\nexpect linux_dynamic.stacks.resident > 0\n";
    Scripts.Result a = Scripts.run("t.kss", script), b = Scripts.run("t.kss", script);
    assertEquals(0, a.exit(), a.err());
    assertEquals(a.out(), b.out());
    assertTrue(a.out().contains("== policy linux_dynamic =="));
    assertTrue(a.out().contains("PASS  6:1  expect linux_dynamic.stacks.resident > 0"));
  }

  @Test void jsonHoldsMetricsAndExpectations(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path json = dir.resolve("out.json");
    var out = new java.io.ByteArrayOutputStream();
    int code = new dev.kss.cli.Runner(new java.io.PrintStream(out), new java.io.PrintStream(out), false)
        .run(Source.of("t.kss", "use linux\nfork a policy linux_vmap\nexpect threads.live == 1\n"), Options.defaults(), json);
    assertEquals(0, code, out.toString());
    var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
    assertEquals(1, tree.at("/metrics/global/threads.live").asInt());
    assertEquals(1, tree.at("/metrics/policies/linux_vmap/threads.live").asInt());
    assertTrue(tree.at("/expectations/0/passed").asBoolean());
  }
}
