package dev.kss.check;

import static org.junit.jupiter.api.Assertions.*;

import dev.kss.ast.Expr;
import dev.kss.ast.ScriptError;
import dev.kss.ast.Source;
import dev.kss.ast.Stmt;
import dev.kss.machine.stack.PolicyConfig;
import dev.kss.parse.Parser;
import org.junit.jupiter.api.Test;

class CheckerTest {
  private static Program check(String text) { return Checker.check(Parser.parse(Source.of("t.kss", text))); }

  /** The error's LINE:COL and message. */
  private static ScriptError error(String text) { return assertThrows(ScriptError.class, () -> check(text)); }

  private static void errorAt(String text, int line, int col, String fragment) {
    ScriptError e = error(text);
    assertEquals(line + ":" + col, e.pos().lineCol(), e.getMessage());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  @Test void aThreadMustBeForkedTextuallyBeforeItIsUsed() {
    errorAt("machine { cpus 1 }\nfork a on cpu 0\nenter b\n", 3, 7, "unknown thread 'b'");
    errorAt("enter a\nfork a\n", 1, 7, "unknown thread 'a'");
  }

  @Test void familiesAndSingleThreadsAreNotMixed() {
    errorAt("fork w[0]\nenter w\n", 2, 7, "expected an index");
    errorAt("fork a\nenter a[1]\n", 2, 7, "single thread");
  }

  @Test void unknownPoliciesAreReportedAtTheirName() {
    errorAt("machine { cpus 1 }\nfork a on cpu 0 policy nosuch\n", 2, 24, "unknown policy 'nosuch'");
    errorAt("policy p extends nope { }\n", 1, 18, "unknown policy 'nope'");
  }

  @Test void theBuiltinDefaultNeedsNoUseAndStdlibPoliciesNeedOne() {
    assertNotNull(check("fork a policy default").policy("default"));
    errorAt("fork a policy linux_vmap", 1, 15, "use linux");
    assertNotNull(check("use linux\nfork a policy linux_vmap").policy("linux_vmap"));
  }

  @Test void extendsStartsFromTheBaseAndSettingsGoThroughTheModel() {
    Program p = check("use linux\npolicy dyn extends linux_dynamic_enter { invalidate local }\n");
    assertEquals(dev.kss.machine.tlb.Invalidate.LOCAL, p.policy("dyn").config().invalidate);
    assertNotSame(p.policy("dyn").config(), p.policy("linux_dynamic_enter").config());
    assertEquals(p.policy("linux_dynamic_enter").config().supplyPerCpu, p.policy("dyn").config().supplyPerCpu);
  }

  @Test void aBadSettingValueIsReportedAtThatValue() {
    errorAt("policy p { cache per_cpu lots }", 1, 26, "cache size");
    errorAt("policy p { colour blue }", 1, 12, "unknown policy setting 'colour'");
    errorAt("machine {\n  cpus 0\n}", 2, 8, "cpus");
    errorAt("machine { costs { invlpg 3 KiB } }", 1, 26, "duration");
  }

  @Test void machineSettingsReachTheConfig() {
    Program p = check("machine { cpus 112\n memory 8 GiB\n costs { invlpg 90 ns } }");
    assertEquals(112, p.machine().cpus);
    assertEquals(8L << 30, p.machine().memory);
  }

  @Test void theMachineComesBeforeEvents() {
    errorAt("fork a\nmachine { cpus 2 }", 2, 1, "before the first event");
  }

  @Test void constantCpuNumbersAreCheckedAgainstTheMachine() {
    errorAt("machine { cpus 2 }\nfork a on cpu 5\n", 2, 15, "cpu 5 does not exist");
    errorAt("machine { cpus 2 }\nfork a\ntouch a at 1 KiB from cpu 1 + 1\n", 3, 27, "cpu 2 does not exist");
    assertNotNull(check("machine { cpus 2 }\nlet c = 5\nfork a on cpu c\n")); // checked when it runs
  }

  @Test void unitsAreCheckedWithTheUnitExpected() {
    errorAt("machine { cpus 1 }\nfork a on cpu 0\ndepth a 12 parsecs\n", 3, 12, "unknown unit 'parsecs', expected a unit (B, KiB, MiB, GiB, TiB, page, pages) or the end of the statement");
    errorAt("advance 3 KiB", 1, 9, "expected a duration, found a size");
    errorAt("fork a\ndepth a 2 ms", 2, 9, "expected a size");
    errorAt("expect 1 KiB < 2 ms", 1, 14, "cannot compare a size with a duration");
    errorAt("let x = 2 KiB * 3 KiB", 1, 15, "cannot multiply");
  }

  @Test void plainNumbersConvertToSizesAndDurations() {
    Program p = check("fork a\ndepth a 4096\nadvance 1000\nexpect stacks.resident >= 3182 * 4 KiB\nexpect 1 - stacks.resident / stacks.virtual >= 72.8%");
    Stmt.Expect e = (Stmt.Expect) p.statements().get(3);
    assertEquals(Type.SIZE, p.type(((Expr.Binary) e.cond()).right()));
    Stmt.Expect r = (Stmt.Expect) p.statements().get(4);
    assertEquals(Type.NUMBER, p.type(((Expr.Binary) r.cond()).left()));
  }

  @Test void metricsArePlainOrScopedToAPolicy() {
    Program p = check("use linux\nexpect linux_dynamic.stacks.resident > 0 and cache.hit_rate < 10%");
    Expr.Binary and = (Expr.Binary) ((Stmt.Expect) p.statements().get(1)).cond();
    Ref.Metric scoped = (Ref.Metric) p.ref((Expr.Path) ((Expr.Binary) and.left()).left());
    assertEquals("linux_dynamic", scoped.scope().name());
    assertEquals("stacks.resident", scoped.info().name());
    errorAt("expect cache.hitrate > 0", 1, 8, "cache.hit_rate");
    errorAt("use linux\nexpect linux_vmap.cache.nope > 0", 2, 8, "unknown metric 'cache.nope' of policy 'linux_vmap'");
    errorAt("expect zork > 0", 1, 8, "unknown name 'zork'");
  }

  @Test void textMetricsCompareWithStrings() {
    assertNotNull(check("expect reserv.pattern == \"EFFFB\""));
    errorAt("expect reserv.pattern == 3", 1, 23, "cannot compare a string with a number");
  }

  @Test void variablesAreBlockScoped() {
    assertNotNull(check("let x = 1\nrepeat 2 { let y = x + 1\n print y }\nprint x"));
    errorAt("repeat 2 { let y = 1 }\nprint y", 2, 7, "unknown name 'y'");
    errorAt("for i in 0..3 { }\nprint i", 2, 7, "unknown name 'i'");
  }

  @Test void distsMustBeDeclaredAndAddUpToAHundredPercent() {
    errorAt("fork a\ndepth a dist idle", 2, 14, "unknown dist 'idle'");
    errorAt("dist d = histogram { 3 KiB: 50%, 6 KiB: 40% }", 1, 22, "add up to 90%");
    errorAt("dist d = uniform(1 ms, 2 ms)", 1, 18, "expected a size");
  }

  @Test void functionsCheckTheirArity() {
    errorAt("print min(1)", 1, 7, "min takes two or more values");
    errorAt("print pages(2 ms)", 1, 13, "expected a size");
    errorAt("print sqrt(4)", 1, 7, "unknown function 'sqrt'");
  }

  @Test void declarationsBelongAtTheTopLevel() {
    errorAt("repeat 2 { seed 3 }", 1, 12, "top level");
  }

  @Test void aJsPolicyWhoseFileIsMissingIsAnErrorAtTheFile() {
    Checker c = new Checker(dev.kss.js.Js.modules(Modules.CLASSPATH));
    ScriptError e = assertThrows(ScriptError.class, () -> c.add(Parser.parse(Source.of("t.kss", "policy p = js \"p.js\" extends default { option 1 }"))));
    assertEquals("1:15", e.pos().lineCol());
    assertTrue(e.getMessage().contains("cannot read 'p.js': no such file"), e.getMessage());
  }

  @Test void aJsPolicyNeedsTheJsBridgeThroughTheModulesPort() {
    errorAt("policy p = js \"p.js\"", 1, 15, "JS policies are not available here");
  }

  @Test void theSeedIsAConstant() {
    assertEquals(11, check("seed 11").seed());
    errorAt("seed 1\nseed 2", 2, 1, "already set");
  }

  @Test void usedFilesAreRelativeToTheScriptAndErrorsPointIntoThem(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Files.writeString(dir.resolve("mine.kss"), "# my policies\npolicy mine { cache global 8 }\npolicy bad { guard lots }\n");
    java.nio.file.Files.writeString(dir.resolve("main.kss"), "use \"mine.kss\"\nfork a policy mine\n");
    Source main = Source.read(dir.resolve("main.kss"), "main.kss");
    ScriptError e = assertThrows(ScriptError.class, () -> Checker.check(Parser.parse(main)));
    assertEquals("mine.kss:3:20", e.pos().toString());
  }
}
