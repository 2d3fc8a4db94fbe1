package dev.kss.js;

import static org.junit.jupiter.api.Assertions.*;

import dev.kss.Scripts;
import dev.kss.ast.Source;
import dev.kss.machine.Machine;
import dev.kss.machine.op.Op;
import dev.kss.machine.sched.ThreadKind;
import dev.kss.machine.stack.Policy;
import dev.kss.run.Options;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A hostile or broken JS policy cannot escape its sandbox, crash kss or corrupt the model: each
 * attempt is refused or stopped, the policy is ejected with a reason, its threads carry on under
 * the base policy, and the machine's invariants hold after every event (the runs use --check).
 */
class JsSandboxTest {
  @TempDir Path dir;

  /** Runs a script whose policy {@code bad} has {@code hook} as its alloc hook; the thread then lives on and exits. */
  private Scripts.Result run(String module, String expectKind) throws IOException {
    String kss = """
        policy bad = js "bad.js"
        fork a policy bad
        enter a
        depth a 12 KiB
        sleep a
        wake a
        leave a
        exit a
        fork b policy bad
        exit b
        expect bad.js.ejected == 1
        expect bad.js.exit == "%s"
        expect bad.threads.exited == 2
        expect bad.js.frames_held == 0
        expect bad.js.stacks_held == 0
        """.formatted(expectKind);
    return Scripts.run(Source.read(write("bad.js", module, kss), "t.kss"), Js.enable(Options.defaults()).withCheck(true));
  }

  /** Writes module {@code jsName} and the script t.kss beside it; returns the script's path. */
  private Path write(String jsName, String js, String kss) throws IOException {
    Files.writeString(dir.resolve(jsName), js);
    Path file = dir.resolve("t.kss");
    Files.writeString(file, kss);
    return file;
  }

  private static String hook(String body) {
    return "export default { alloc(t) { " + body + " } };";
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "Java.type('java.lang.System').exit(3)     | Java",
      "Polyglot.eval('js', '1')                  | Polyglot",
      "require('fs')                             | require",
      "load('/etc/passwd')                       | load",
      "read('/etc/passwd')                       | read",
      "new XMLHttpRequest()                      | XMLHttpRequest",
      "fetch('http://example.com')               | fetch",
      "quit()                                    | quit",
      "Packages.java.io.File                     | Packages",
      "kss.map.constructor('return this')().Java.type('java.io.File') | Java",
      "new Worker('x.js')                        | Worker",
      "globalThis.process.exit(1)                | process"})
  void hostAndEnvironmentAccessIsRefused(String attempt, String name) throws IOException {
    Scripts.Result r = run(hook(attempt), "error");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("EJECTED"), r.out());
    assertTrue(r.out().contains("bad.js:1:"), "the JS location: " + r.out());
    assertTrue(r.out().contains("t.kss:2:1"), "the .kss event: " + r.out());
  }

  @Test void anEndlessLoopIsStoppedByTheStatementBudget() throws IOException {
    Scripts.Result r = run(hook("for (;;) {}"), "budget");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("statements (its budget"), r.out());
  }

  /**
   * The budget tells the prelude (whose statements it does not count) from a module by its source's
   * URI, not by its name: a module whose file is called kss-prelude.js is stopped all the same. (Told
   * by name, its endless loop ran for ever: the timeout is for that.)
   */
  @Test @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aModuleNamedLikeThePreludeIsStillStoppedByTheBudget() throws IOException {
    Path file = write("kss-prelude.js", hook("for (;;) {}"), """
        policy bad = js "kss-prelude.js"
        fork a policy bad
        exit a
        expect bad.js.exit == "budget"
        expect bad.threads.exited == 1
        """);
    Scripts.Result r = Scripts.run(Source.read(file, "t.kss"), Js.enable(Options.defaults()).withCheck(true));
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("kss-prelude.js:1:"), "the module's own location: " + r.out());
  }

  @Test void deepRecursionIsStopped() throws IOException {
    Scripts.Result r = run("function f(n) { return f(n + 1) + 1; }\n" + hook("return f(0);"), "error");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("stack size"), r.out());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "new Array(2 ** 32)",
      "'x'.repeat(2 ** 31)",
      "new ArrayBuffer(2 ** 53)",
      "const a = []; for (;;) a.push([a.length]);"})
  void aHugeAllocationIsRefusedOrStopped(String attempt) throws IOException {
    Scripts.Result r = run(hook(attempt), attempt.startsWith("const") ? "budget" : "error");
    assertEquals(0, r.exit(), r.out() + r.err());
  }

  /** The fault hook maps one fresh frame twice: the second map names a frame in use (the page it just mapped). */
  @Test void mappingAFrameInUseEjects() throws IOException {
    Path file = write("bad.js", "export default { fault(t, p) { const f = kss.allocFrame(); kss.map(t.stack, p, f); kss.map(t.stack, p + 1, f); return true; } };", """
        use linux
        policy bad = js "bad.js" extends linux_dynamic
        fork a policy bad
        enter a
        depth a 8 KiB
        leave a
        exit a
        expect bad.js.exit == "invalid"
        expect bad.js.frames_held == 0
        expect bad.faults.stack == 1
        """);
    Scripts.Result r = Scripts.run(Source.read(file, "t.kss"), Js.enable(Options.defaults()).withCheck(true));
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("is not a free frame of this policy"), r.out());
    assertTrue(r.out().contains("bad.js:1:"), r.out());
  }

  @Test void unmappingAPageInUseEjectsWithTheInvalidKind() throws IOException {
    Path file = write("bad.js", "export default { enter(t) { kss.unmap(t.stack, 0); } };", """
        policy bad = js "bad.js"
        fork a policy bad
        enter a
        depth a 12 KiB
        leave a
        exit a
        expect bad.js.exit == "invalid"
        expect bad.violations.total == 0
        """);
    Scripts.Result r = Scripts.run(Source.read(file, "t.kss"), Js.enable(Options.defaults()).withCheck(true));
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("in use"), r.out());
    assertTrue(r.out().contains("bad.js:1:"), r.out());
  }

  @Test void mappingAFrameItDoesNotOwnEjects() throws IOException {
    Path file = write("bad.js", """
        export default {
          enter(t) {
            const pfn = kss.unmap(t.stack, 3);   // a page below the depth: allowed, the frame is now ours
            kss.invalidate();
            kss.map(t.stack, 3, pfn);             // fine
            kss.map(t.stack, 3, pfn);             // the page is mapped already
          },
        };
        """, """
        policy bad = js "bad.js"
        fork a policy bad
        enter a
        exit a
        expect bad.js.exit == "invalid"
        """);
    Scripts.Result r = Scripts.run(Source.read(file, "t.kss"), Js.enable(Options.defaults()).withCheck(true));
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("already mapped"), r.out());
  }

  /** The machine of a script that declares policy {@code p} over module {@code js} and forks and exits one thread with it. */
  private Machine machineWith(String js) throws IOException {
    Path file = write("p.js", js, "policy p = js \"p.js\"\nfork a policy p\nexit a\n");
    dev.kss.run.Session session = new dev.kss.run.Session(
        program(file), Js.enable(Options.defaults()).withPrinter(l -> { }));
    session.runToEnd();
    return session.machine();
  }

  /** The checked script at {@code file}, with JS policies. */
  private static dev.kss.check.Program program(Path file) throws IOException {
    dev.kss.check.Checker c = new dev.kss.check.Checker(Js.modules(dev.kss.check.Modules.CLASSPATH));
    c.add(dev.kss.parse.Parser.parse(Source.read(file, "t.kss")));
    return c.program();
  }

  private static Policy policyP(Machine m) {
    for (Policy q : m.policies()) if (q.name.equals("p")) return q;
    throw new AssertionError("no policy p");
  }

  /** A thread's name is asked of the host when read: right during the hook, refused once the thread has exited. */
  @Test void aThreadsNameIsReadWhileItLives() throws IOException {
    Machine m = machineWith("let first = null;\nexport default {\n"
        + "  alloc(t) { if (first === null) first = t; kss.log('alloc ' + t.name + ' ' + kss.thread().name); return null; },\n"
        + "  enter(t) { kss.log('enter ' + t.name + ' ' + first.name); },\n};\n");
    JsPolicy js = JsPolicy.of(policyP(m));
    dev.kss.machine.sched.Task w = m.apply(new Op.Fork("worker", 0, ThreadKind.USER, policyP(m).id, null));
    assertTrue(js.requests.log.stream().anyMatch(l -> l.endsWith("alloc worker worker")), js.requests.log.toString());
    assertNull(js.ejectionInfo());
    m.apply(new Op.Enter(w));   // first is thread a, which has exited
    assertNotNull(js.ejectionInfo());
    assertEquals("error", js.ejectionInfo().kind());
    assertTrue(js.ejectionInfo().reason().contains("has exited: read a thread's name while it lives"), js.ejectionInfo().reason());
    assertEquals("p.js:4:48", js.ejectionInfo().js());   // the line of enter, the column of first.name
    m.checkInvariants();
  }

  /** A module without free (or one that declines) does not make the host remember every stack it saw. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {"no free hook | ''", "free declines | 'free(s, cpu) { return false; },'"})
  void freedStacksAreForgotten(String name, String free) throws IOException {
    Machine m = machineWith("export default { " + free + " enter(t) { } };");
    Policy p = policyP(m);
    JsPolicy js = JsPolicy.of(p);
    for (int i = 0; i < 1000; i++) {
      dev.kss.machine.sched.Task t = m.apply(new Op.Fork("t", i % m.kernel().cpus(), ThreadKind.USER, p.id, null));
      m.apply(new Op.Enter(t));
      m.apply(new Op.Leave(t));
      m.apply(new Op.Exit(t));
    }
    assertNull(js.ejectionInfo());
    assertTrue(js.calls >= 1000, "calls " + js.calls);
    assertTrue(js.numbers.known() <= 1, "stacks known " + js.numbers.known());
  }

  /**
   * Stack numbers are handed out again once both sides have forgotten them; a stack object the
   * module kept past its stack's free still names that freed stack, never the number's new one.
   */
  @Test void aStaleStackObjectIsRefusedAfterItsNumberIsReused() throws IOException {
    Machine m = machineWith("let old = null, n = 0;\n"
        + "export default { alloc(t) { return ++n > 301 ? old : null; }, enter(t) { if (old === null) old = t.stack; } };");
    Policy p = policyP(m);
    JsPolicy js = JsPolicy.of(p);
    java.util.List<dev.kss.machine.sched.Task> live = new java.util.ArrayList<>();
    for (int i = 0; i < 300; i++) {   // past a batch of forgotten numbers: numbers are reused from here on
      dev.kss.machine.sched.Task t = m.apply(new Op.Fork("t", i % m.kernel().cpus(), ThreadKind.USER, p.id, null));
      m.apply(new Op.Enter(t));
      m.apply(new Op.Leave(t));
      if (i % 2 == 0) m.apply(new Op.Exit(t)); else live.add(t);
    }
    assertNull(js.ejectionInfo());
    assertNotNull(js.numbers.get(1), "the first stack's number names another stack now");
    m.apply(new Op.Fork("late", 0, ThreadKind.USER, p.id, null));
    assertNotNull(js.ejectionInfo());
    assertEquals("invalid", js.ejectionInfo().kind());
    assertTrue(js.ejectionInfo().reason().contains("which it does not keep (it was freed)"), js.ejectionInfo().reason());
    m.checkInvariants();
  }

  /**
   * A snapshot carries the stacks the module keeps (the REPL's :back): the restored copy counts them
   * as cached, is ejected (kind restored) at its next hook, and frees them, keeping the invariants.
   */
  @Test void aRestoredCopyKeepsTheModulesStacksUntilItsNextHook() throws IOException {
    Machine m = machineWith("const kept = [];\n"
        + "export default { alloc(t) { return kept.pop() ?? null; }, free(s, cpu) { if (kept.length >= 3) return false; kept.push(s); return true; } };");
    Policy p = policyP(m);
    java.util.List<dev.kss.machine.sched.Task> threads = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) threads.add(m.apply(new Op.Fork("t" + i, i % m.kernel().cpus(), ThreadKind.USER, p.id, null)));
    for (dev.kss.machine.sched.Task t : threads) m.apply(new Op.Exit(t));
    JsPolicy js = JsPolicy.of(p);
    assertEquals(3.0, js.metric("stacks_held"));
    int cached = p.cachedStacks();   // the module's 3, and what the base policy's own cache holds

    Machine copy = m.copy();
    Policy q = policyP(copy);
    JsPolicy restored = JsPolicy.of(q);
    assertEquals(3.0, restored.metric("stacks_held"));
    assertEquals(cached, q.cachedStacks());
    copy.checkInvariants();
    copy.apply(new Op.Fork("late", 0, ThreadKind.USER, q.id, null));
    assertEquals("restored", restored.ejectionInfo().kind());
    assertEquals(0.0, restored.metric("stacks_held"));
    copy.checkInvariants();
    assertNull(js.ejectionInfo());   // the original runs on
    assertEquals(3.0, js.metric("stacks_held"));
  }

  @Test void aWrongReturnValueEjects() throws IOException {
    Scripts.Result r = run(hook("return 42;"), "invalid");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("alloc returned 42"), r.out());
  }

  @Test void handingOutALiveStackEjects() throws IOException {
    Scripts.Result r = run("let s = null; export default { alloc(t) { if (s) return s; return null; }, "
        + "enter(t) { s = t.stack; } };", "invalid");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("which it does not keep"), r.out());
  }

  @Test void catchingARefusalDoesNotSaveThePolicy() throws IOException {
    Scripts.Result r = run(hook("try { kss.freeFrame(12345); } catch (e) {} return null;"), "invalid");
    assertEquals(0, r.exit(), r.out() + r.err());
  }

  @Test void aBrokenModuleIsAStaticErrorAtItsLine() throws IOException {
    Path file = write("bad.js", "export default {\n  alloc(t) { return ; }}\n  oops(\n", "policy bad = js \"bad.js\"\nfork a policy bad\n");
    Scripts.Result r = Scripts.run(Source.read(file, "t.kss"), Js.enable(Options.defaults()));
    assertEquals(2, r.exit(), r.out() + r.err());
    assertTrue(r.firstErrorLine().startsWith("t.kss:1:17: bad.js:"), r.err());
  }

  @Test void anUnknownHookIsAStaticError() throws IOException {
    Path file = write("bad.js", "export default { allocate(t) { return null; } };", "policy bad = js \"bad.js\"\n");
    Scripts.Result r = Scripts.run(Source.read(file, "t.kss"), Js.enable(Options.defaults()));
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("unknown hook 'allocate'"), r.err());
  }

  @Test void anUndeclaredCounterIsAStaticErrorInExpect() throws IOException {
    Path file = write("ok.js", "export default { counters: ['hits'] };", "policy ok = js \"ok.js\"\nexpect ok.js.hit == 0\n");
    Scripts.Result r = Scripts.run(Source.read(file, "t.kss"), Js.enable(Options.defaults()));
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("expected js. and one of hits"), r.err());
  }
}
