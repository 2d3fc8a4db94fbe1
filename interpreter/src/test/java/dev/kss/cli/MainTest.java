package dev.kss.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {
  private static String[] run(String... args) {
    ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
    int code = Main.execute(args, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
    return new String[] {Integer.toString(code), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
  }

  @Test void theReplIsASubcommandWithHelp() {
    String[] r = run("repl", "--help");
    assertEquals("0", r[0]);
    assertTrue(r[1].contains("Start the REPL"));
  }

  @Test void jsonDashWritesTheJsonAloneToStandardOutput() throws Exception {
    java.nio.file.Path f = java.nio.file.Files.createTempFile("kss", ".kss");
    java.nio.file.Files.writeString(f, "machine { cpus 1 }\nfork a\nexpect threads.live == 1\n");
    String[] r = run("run", f.toString(), "--json", "-");
    assertEquals("0", r[0], r[2]);
    var root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r[1]);
    assertTrue(root.get("passed").asBoolean(), r[1]);
    assertFalse(java.nio.file.Files.exists(java.nio.file.Path.of("-")), "no file named -");
  }

  @Test void helpAndVersion() {
    assertEquals("0", run("--help")[0]);
    assertTrue(run("--help")[1].contains("Exit codes"));
    assertEquals("0", run("--version")[0]);
    assertTrue(run("--version")[1].startsWith("kss "));
  }

  @Test void aMissingFileOrABadOptionIsExitTwoWithoutAStackTrace() {
    String[] r = run("run", "/nonexistent/x.kss");
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("cannot read /nonexistent/x.kss"));
    String[] bad = run("run", "x.kss", "--seed", "many");
    assertEquals("2", bad[0]);
    assertFalse(bad[2].contains("\tat "));
  }
}
