package dev.kss.repl;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jline.reader.Candidate;
import org.jline.reader.EOFError;
import org.jline.reader.Parser;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.jline.utils.AttributedString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplTest {
  /** Runs the REPL on a dumb terminal fed with {@code input}; returns what it printed. */
  private static String session(String input, Path history) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Terminal t = new DumbTerminal("kss", Terminal.TYPE_DUMB, new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
        out, StandardCharsets.UTF_8)) {
      t.echo(false);
      new Repl(t, history).loop();
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test void aBlockContinuesOnTheSecondaryPromptAndAnErrorDoesNotEndTheRepl(@TempDir Path dir) throws Exception {
    String out = session("fork a\nsyscall a {\n  depth a 2 KiB\n  print \"in\"\n}\ndepth a 3 parsecs\nprint \"still here\"\n", dir.resolve("h"));
    assertTrue(out.contains("in\n"), out);
    assertTrue(out.contains("unknown unit 'parsecs'"), out);
    assertTrue(out.contains("still here"), out);
  }

  @Test void theHistoryIsKeptInAFile(@TempDir Path dir) throws Exception {
    Path h = dir.resolve("history");
    session("fork a\n:show threads\n:quit\n", h);
    String saved = Files.readString(h);
    assertTrue(saved.contains("fork a") && saved.contains(":show threads"), saved);
  }

  @Test void unfinishedInputAsksForMore() {
    Parser p = new Repl.InputParser();
    assertThrows(EOFError.class, () -> p.parse("syscall a {", 11, Parser.ParseContext.ACCEPT_LINE));
    assertThrows(EOFError.class, () -> p.parse("if x > 1 {\n  enter a", 20, Parser.ParseContext.ACCEPT_LINE));
    assertDoesNotThrow(() -> p.parse("enter a", 7, Parser.ParseContext.ACCEPT_LINE));
    assertDoesNotThrow(() -> p.parse("enter", 5, Parser.ParseContext.ACCEPT_LINE)); // wrong, not unfinished
    assertDoesNotThrow(() -> p.parse(":show stack", 11, Parser.ParseContext.ACCEPT_LINE));
  }

  @Test void completesCommandsKeywordsThreadsPoliciesAndMetrics() throws Exception {
    Debugger d = new Debugger(new java.io.PrintWriter(new java.io.StringWriter()));
    d.handle("use linux");
    d.handle("fork worker policy linux_dynamic");
    Repl.InputCompleter c = new Repl.InputCompleter(d);
    Parser p = new Repl.InputParser();
    assertTrue(complete(c, p, ":sh").contains(":show"));
    assertTrue(complete(c, p, ":show st").contains("stack"));
    assertTrue(complete(c, p, ":show stack w").contains("worker"));
    assertTrue(complete(c, p, ":break ").contains("violation"));
    assertTrue(complete(c, p, "ena").containsAll(dev.kss.ast.EventKind.keywords()), "every event keyword is offered");
    assertTrue(complete(c, p, ":break ").containsAll(dev.kss.ast.EventKind.keywords()), "and every event can be a breakpoint");
    java.util.List<String> all = complete(c, p, "x");
    assertTrue(all.contains("worker") && all.contains("linux_dynamic") && all.contains("violations.stale_tlb")
        && all.contains("linux_dynamic.violations.stale_tlb") && all.contains("syscall"), all.toString());
  }

  private static java.util.List<String> complete(Repl.InputCompleter c, Parser p, String line) {
    java.util.List<Candidate> out = new java.util.ArrayList<>();
    c.complete(null, p.parse(line, line.length(), Parser.ParseContext.COMPLETE), out);
    return out.stream().map(Candidate::value).toList();
  }

  @Test void highlightsKeywordsNumbersStringsAndComments() {
    AttributedString s = new Repl.InputHighlighter().highlight(null, "fork a on cpu 1 # x\nprint \"hi\"");
    assertEquals("fork a on cpu 1 # x\nprint \"hi\"", s.toString());
    assertNotEquals(s.styleAt(0), s.styleAt(5)); // keyword vs name
    assertNotEquals(s.styleAt(5), s.styleAt(14)); // name vs number
    assertNotEquals(s.styleAt(5), s.styleAt(16)); // comment
    assertNotEquals(s.styleAt(5), s.styleAt(26)); // string
  }
}
