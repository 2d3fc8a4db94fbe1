package dev.kss.repl;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real ./kss in a real terminal (tmux): load the stale-TLB example, step, break on the
 * violation, go back, show a stack. Runs after packaging (failsafe); skipped only when tmux is
 * missing outside CI.
 */
class ReplIT {
  private static final long WAIT_MS = 20_000;
  private final String name = "kss-it-" + ProcessHandle.current().pid();
  @TempDir Path home;

  @Test void walksTheStaleTlbExampleToItsViolationAndBack() throws Exception {
    boolean tmux = run("tmux", "-V") == 0;
    if (System.getenv("CI") != null) assertTrue(tmux, "tmux is missing in CI (.ci/run installs it)");
    assumeTrue(tmux, "tmux is not installed");
    Path root = Path.of(System.getProperty("kss.root")).toAbsolutePath().normalize();
    assertEquals(0, run("tmux", "new-session", "-d", "-s", name, "-x", "160", "-y", "60", "-c", root.toString(),
        "env KSS_NO_BUILD=1 KSS_HISTORY=" + home.resolve("history") + " ./kss repl examples/laight-stale-tlb.kss"));
    waitFor("next: line 11");
    send(":break violation");
    waitFor("breakpoint 1: violation");
    send(":step 3");
    waitFor("[event 3,");
    send(":continue");
    waitFor("violation: violations.stale_tlb = 1 (local_flush)");
    waitFor("[event 13,");
    send(":show stack a");
    waitFor("cpu1(STALE)");
    send(":back 2");
    waitFor("[event 11,");
    send(":show stack a");
    waitFor("depth 0 B");
    assertTrue(screen().lines().anyMatch(l -> l.startsWith(" * ")), "changed pages are marked:\n" + screen());
    send("syscall a {");
    waitFor("...>");
    send("}");
    waitFor("'a' is already in the kernel");
    send(":quit");
    long end = System.currentTimeMillis() + WAIT_MS;
    while (run("tmux", "has-session", "-t", name) == 0 && System.currentTimeMillis() < end) Thread.sleep(100);
    assertTrue(Files.readString(home.resolve("history")).contains(":back 2"));
  }

  @AfterEach void kill() throws Exception { run("tmux", "kill-session", "-t", name); }

  private void send(String line) throws Exception {
    assertEquals(0, run("tmux", "send-keys", "-t", name, "-l", line));
    assertEquals(0, run("tmux", "send-keys", "-t", name, "Enter"));
  }

  private void waitFor(String text) throws Exception {
    long end = System.currentTimeMillis() + WAIT_MS;
    String s = "";
    while (System.currentTimeMillis() < end) {
      s = screen();
      if (s.contains(text)) return;
      Thread.sleep(100);
    }
    fail("'" + text + "' did not appear within " + WAIT_MS / 1000 + " s; the screen:\n" + s);
  }

  private String screen() throws Exception {
    Process p = new ProcessBuilder("tmux", "capture-pane", "-p", "-J", "-S", "-200", "-t", name).redirectErrorStream(true).start();
    String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(10, TimeUnit.SECONDS);
    return s;
  }

  private static int run(String... cmd) throws Exception {
    try {
      Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(20, TimeUnit.SECONDS)) { p.destroyForcibly(); return -1; }
      return p.exitValue();
    } catch (IOException e) {
      return -1;
    }
  }
}
