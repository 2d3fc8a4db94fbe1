package dev.kss.run;

import static org.junit.jupiter.api.Assertions.*;

import dev.kss.Scripts;
import dev.kss.ast.Source;
import dev.kss.ast.Stmt;
import dev.kss.check.Checker;
import dev.kss.check.Modules;
import dev.kss.parse.Parser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** explore: every interleaving, counted; the merge of equal states keeps every final state; verdicts, witnesses, errors. */
class ExploreTest {
  /** The session stopped just before the script's explore, and that explore. */
  private record AtExplore(Session session, Stmt.Explore explore) {}

  private static AtExplore before(String text) {
    int at = text.indexOf("explore {");
    Checker c = new Checker(Modules.CLASSPATH);
    c.add(Parser.parse(Source.of("t.kss", text.substring(0, at))));
    Session s = new Session(c.program(), Options.defaults().withPrinter(x -> {}));
    s.runToEnd();
    c.add(Parser.parse(Source.of("t.kss", text.substring(at))));
    Stmt.Explore x = (Stmt.Explore) c.program().statements().stream().filter(st -> st instanceof Stmt.Explore).findFirst().orElseThrow();
    assertSame(x, s.next());
    return new AtExplore(s, x);
  }

  private static long binomial(int n, int k) {
    long r = 1;
    for (int i = 1; i <= k; i++) r = r * (n - k + i) / i;
    return r;
  }

  private static final String FORKS = """
      machine { cpus 2 }
      use linux
      explore {
        cpu 0 { fork a policy linux_vmap_switch; fork b policy linux_vmap_switch; fork c policy linux_vmap_switch }
        cpu 1 { fork d policy linux_vmap_switch; fork e policy linux_vmap_switch }
      }
      expect always threads.live == 5
      """;

  @Test void countsEveryInterleavingAsNPlusMChooseN() {
    AtExplore a = before(FORKS);
    Stmt.Expect e = a.session.program().quantified(a.explore).get(0);
    Explorer.Verdict v = Explorer.search(a.session.exploreStart(a.explore), List.of(e), 1_000_000).get(e);
    assertEquals(binomial(5, 3), v.interleavings());
    assertTrue(v.held());
    // Forks on two CPUs take VA and frames from the same allocators: no two orders end alike.
    Explorer.Verdict full = Explorer.search(a.session.exploreStart(a.explore), List.of(e), 1_000_000, false, null).get(e);
    assertEquals(binomial(5, 3), full.interleavings());
  }

  private static final String[] SMALL_CASES = {
      FORKS,
      """
      machine { cpus 2 }
      use linux
      fork a on cpu 0 policy linux_vmap_switch
      fork b on cpu 1 policy linux_vmap_switch
      explore {
        cpu 0 { advance 1 us; enter a; depth a 6 KiB; leave a }
        cpu 1 { advance 2 us; enter b; leave b }
      }
      expect never violations.total > 0
      """,
      """
      machine { cpus 2 }
      use linux
      policy local_flush extends linux_dynamic_enter { invalidate local }
      fork a on cpu 0 as user policy local_flush
      fork b on cpu 0 as user policy local_flush
      explore {
        cpu 0 { enter a; depth a 12 KiB; publish a at 10 KiB; leave a; enter b; depth b 12 KiB; sleep b }
        cpu 1 { touch a at 10 KiB; touch a at 10 KiB }
      }
      expect exists violations.stale_tlb > 0
      """,
      """
      machine { cpus 3 }
      use linux
      fork a on cpu 0 policy linux_dynamic
      fork b on cpu 1 policy linux_dynamic
      explore {
        cpu 0 { depth a 9 KiB; depth a 1 KiB }
        cpu 1 { depth b 5 KiB; exit b }
        cpu 2 { fork c policy linux_dynamic }
      }
      expect always linux_dynamic.threads.live == 2
      """};

  @Test void mergingEqualStatesReachesExactlyTheFinalStatesOfTheFullSearch() {
    for (String text : SMALL_CASES) {
      AtExplore a = before(text);
      List<Stmt.Expect> es = a.session.program().quantified(a.explore);
      Set<Long> merged = new HashSet<>(), full = new HashSet<>();
      Map<Stmt.Expect, Explorer.Verdict> m = Explorer.search(a.session.exploreStart(a.explore), es, 1_000_000, true, merged);
      Map<Stmt.Expect, Explorer.Verdict> f = Explorer.search(a.session.exploreStart(a.explore), es, 1_000_000, false, full);
      assertEquals(full, merged, text);
      Explorer.Verdict vm = m.get(es.get(0)), vf = f.get(es.get(0));
      assertEquals(vf.interleavings(), vm.interleavings(), "interleavings: " + text);
      assertEquals(vf.matching(), vm.matching(), "matching: " + text);
      assertEquals(vf.held(), vm.held(), text);
      assertTrue(vm.states() <= vf.states(), text);
    }
  }

  @Test void theLocalFlushRaceExistsAndTheBroadcastOneNever(@TempDir Path dir) throws Exception {
    String text = SMALL_CASES[2].replace("expect exists violations.stale_tlb > 0",
        "expect exists violations.stale_tlb > 0\nexpect never violations.stale_tlb > 0\nexpect always violations.stale_tlb == 0");
    Scripts.Result r = Scripts.run("race.kss", text);
    assertEquals(1, r.exit(), r.out());
    assertTrue(r.out().contains("PASS  10:1  expect exists violations.stale_tlb > 0"), r.out());
    assertTrue(r.out().contains("FAIL  11:1  expect never violations.stale_tlb > 0"), r.out());
    assertTrue(r.out().contains("FAIL  12:1  expect always violations.stale_tlb == 0"), r.out());
    assertTrue(r.out().contains("shortest interleaving that shows it (9 events)"), r.out());
    assertTrue(r.out().contains("violations.stale_tlb: cpu 1, thread a, address 0x"), r.out());
  }

  @Test void theWitnessIsAScriptThatShowsTheViolationOnItsOwn(@TempDir Path dir) throws Exception {
    Path script = dir.resolve("race.kss"), witness = dir.resolve("witness.kss");
    Files.writeString(script, SMALL_CASES[2]);
    assertEquals(0, dev.kss.cli.Main.execute(new String[] {"run", script.toString(), "--witness", witness.toString()},
        new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), System.err));
    String w = Files.readString(witness);
    assertEquals(9, w.lines().filter(l -> l.startsWith("parallel { cpu ")).count(), w);
    Scripts.Result r = Scripts.run(witness.toString(), w);
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("expect violations.stale_tlb > 0   (1 > 0)"), r.out());
  }

  @Test void aBoundOnStatesLeavesTheVerdictOpen() {
    AtExplore a = before(FORKS);
    Stmt.Expect e = a.session.program().quantified(a.explore).get(0);
    Explorer.Verdict v = Explorer.search(a.session.exploreStart(a.explore), List.of(e), 5).get(e);
    assertFalse(v.complete());
    assertFalse(v.held(), "an always that was not searched to the end is not known to hold");
    assertTrue(v.summary().contains("stopped at --max-states"), v.summary());
  }

  @Test void wrongExploresAreLocatedErrors() {
    String head = "machine { cpus 2 }\nuse linux\nfork a on cpu 0\n";
    assertError(head + "explore {\n  cpu 0 { enter a }\n}\n", "t.kss:4:1: an explore needs two CPU programs or more");
    assertError(head + "explore {\n  cpu 0 { enter a }\n  cpu 2 { advance 1 us }\n}\n", "t.kss:6:7: ");
    assertError(head + "explore {\n  cpu 0 { advance 1 us }\n  cpu 1 { enter a }\n}\n", "t.kss:6:17: in cpu 1's program, 'a' runs on cpu 0");
    assertError(head + "repeat 2 {\n  explore {\n    cpu 0 { enter a }\n    cpu 1 { advance 1 us }\n  }\n}\n", "t.kss:5:3: 'explore' must be at the top level");
    assertError(head + "expect exists a.depth > 0\n", "t.kss:4:8: 'expect exists' needs an explore before it");
  }

  @Test void aJsPolicyIsRefusedAtTheExplore(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("keep.js"), "export default { free(stack, cpu) { return false; } };\n");
    Path script = dir.resolve("js.kss");
    Files.writeString(script, """
        machine { cpus 2 }
        policy j = js "keep.js"
        fork a on cpu 0 policy j
        explore {
          cpu 0 { enter a }
          cpu 1 { touch a at 1 KiB }
        }
        """);
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    int code = dev.kss.cli.Main.execute(new String[] {"run", script.toString()}, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()),
        new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(2, code, err.toString());
    assertTrue(err.toString().startsWith(script + ":4:1: explore copies the machine at every choice, and JS policy j"), err.toString());
  }

  private static void assertError(String text, String start) {
    Scripts.Result r = Scripts.run("t.kss", text);
    assertEquals(2, r.exit(), r.out() + r.err());
    assertTrue(r.firstErrorLine().startsWith(start), r.err());
  }
}
