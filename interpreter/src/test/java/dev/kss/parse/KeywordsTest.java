package dev.kss.parse;

import static org.junit.jupiter.api.Assertions.*;

import dev.kss.ast.EventKind;
import dev.kss.grammar.KssLexer;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The event keywords are declared once (EventKind); the grammar must have each, and every event it parses must have one. */
class KeywordsTest {
  @Test void everyEventKindIsAKeywordOfTheGrammar() {
    Set<String> literals = new HashSet<>();
    for (int i = 1; i <= KssLexer.VOCABULARY.getMaxTokenType(); i++) {
      String lit = KssLexer.VOCABULARY.getLiteralName(i);
      if (lit != null) literals.add(lit.substring(1, lit.length() - 1));
    }
    for (String k : EventKind.keywords()) assertTrue(literals.contains(k), "the grammar has no keyword '" + k + "'");
  }

  @Test void everyEventOfAScriptKnowsItsKind() {
    StringBuilder script = new StringBuilder("fork a\n");
    for (EventKind k : EventKind.values()) {
      script.append(switch (k) {
        case FORK -> "fork b";
        case DEPTH -> "depth a 1 KiB";
        case SYSCALL -> "syscall a";
        case ATOMIC, NOIRQ -> k.keyword + " a { }";
        case ENSURE -> "ensure a 1 KiB";
        case WAKE -> "wake a";
        case MIGRATE -> "migrate a to cpu 1";
        case PUBLISH -> "publish a at 1 KiB";
        case TOUCH -> "touch a at 1 KiB from cpu 1";
        case ADVANCE -> "advance 1 ms";
        case RCU_SYNC -> "rcu_sync";
        case REPLAY -> "replay \"t.perf.txt\" policy p depth dist d";
        default -> k.keyword + " a";
      }).append('\n');
    }
    var stmts = Parser.parse(dev.kss.ast.Source.of("t.kss", script.toString())).statements();
    for (int i = 0; i < EventKind.values().length; i++)
      assertEquals(EventKind.values()[i], ((dev.kss.ast.Event) stmts.get(i + 1)).kind());
  }
}
