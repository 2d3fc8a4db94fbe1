package dev.kss.parse;

import dev.kss.ast.Pos;
import dev.kss.ast.Script;
import dev.kss.ast.Source;
import dev.kss.grammar.KssLexer;
import dev.kss.grammar.KssParser;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.Vocabulary;
import org.antlr.v4.runtime.misc.IntervalSet;

/** Text to AST. The first syntax error stops the parse as a {@link SyntaxError} in words. */
public final class Parser {
  private Parser() {}

  public static Script parse(Source source) {
    KssLexer lexer = new KssLexer(CharStreams.fromString(source.text(), source.name()));
    lexer.removeErrorListeners(); // the lexer never fails: stray characters become BAD tokens
    KssParser parser = new KssParser(new CommonTokenStream(lexer));
    parser.removeErrorListeners();
    parser.addErrorListener(new Listener(source));
    KssParser.ScriptContext tree = parser.script();
    return new Script(source, new AstBuilder(source, parser.getTokenStream()).statements(tree));
  }

  /** Turns ANTLR's report into a {@link SyntaxError} that says what was expected in words. */
  private static final class Listener extends BaseErrorListener {
    private final Source source;

    Listener(Source source) { this.source = source; }

    @Override public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int col,
                                      String msg, RecognitionException e) {
      Token bad = (Token) offendingSymbol;
      Pos pos = new Pos(source, line, col + 1);
      if (bad.getType() == KssLexer.UNTERMINATED)
        throw new SyntaxError(pos, "unterminated string, expected a closing '\"' before the end of the line", false);
      KssParser parser = (KssParser) recognizer;
      IntervalSet expected = e != null && e.getExpectedTokens() != null ? e.getExpectedTokens() : parser.getExpectedTokens();
      String found = bad.getType() == KssLexer.BAD ? "character '" + bad.getText() + "'" : describe(bad);
      String want = expected(expected, parser.getVocabulary());
      // name what the rule at hand is about
      if (parser.getContext() instanceof KssParser.ThreadContext) want = want.replace("a name", "a thread name");
      if (parser.getContext() instanceof KssParser.PolicyNameContext) want = "a policy name";
      throw new SyntaxError(pos, "unexpected " + found + ", expected " + want,
          bad.getType() == Token.EOF);
    }
  }

  /** A token as a person names it. */
  static String describe(Token t) {
    return switch (t.getType()) {
      case Token.EOF -> "end of file";
      case KssLexer.NL -> "end of line";
      case KssLexer.STRING -> "string " + t.getText();
      default -> "'" + t.getText() + "'";
    };
  }

  private static final List<String> OPERATORS =
      List.of("'+'", "'-'", "'*'", "'/'", "'%'", "'=='", "'!='", "'<'", "'<='", "'>'", "'>='", "'and'", "'or'");
  private static final List<String> EXPRESSION_STARTS =
      List.of("NUMBER", "PERCENT", "STRING", "ID", "'('", "'-'", "'not'", "'ensure'", "'cpu'");

  /** An expected-token set in words: "end of the statement", "an expression", "'{'", ... */
  static String expected(IntervalSet set, Vocabulary vocabulary) {
    List<String> names = new ArrayList<>();
    for (int type : set.toList()) names.add(type == Token.EOF ? "EOF" : vocabulary.getDisplayName(type));
    List<String> words = new ArrayList<>();
    if (names.contains("'fork'") && names.contains("'expect'")) {
      words.add("a statement");
      names.removeIf(n -> n.startsWith("'") && Character.isLetter(n.charAt(1)));
      names.remove("ID");
    }
    if (names.contains("'machine'") && names.contains("ID")) { // a settings word
      words.add(names.contains("NUMBER") ? "a value" : "a setting name");
      names.removeIf(n -> n.startsWith("'") && Character.isLetter(n.charAt(1)) || n.equals("ID")
          || n.equals("NUMBER") || n.equals("PERCENT") || n.equals("STRING") || n.equals("','") || n.equals("'-'"));
    }
    if (names.contains("NUMBER") && names.contains("ID") && names.contains("'('")) {
      words.add("an expression");
      names.removeAll(EXPRESSION_STARTS);
    }
    if (names.contains("'+'") && names.contains("'*'")) {
      words.add("an operator");
      names.removeAll(OPERATORS);
    }
    boolean end = names.remove("NL") | names.remove("';'") | names.remove("EOF");
    for (String n : names) {
      words.add(switch (n) {
        case "ID" -> "a name";
        case "NUMBER" -> "a number";
        case "PERCENT" -> "a percentage";
        case "STRING" -> "a string";
        case "UNTERMINATED", "BAD" -> null;
        default -> n;
      });
    }
    words.removeIf(w -> w == null);
    if (end) words.add("the end of the statement");
    if (words.isEmpty()) return "something else";
    if (words.size() == 1) return words.get(0);
    return String.join(", ", words.subList(0, words.size() - 1)) + " or " + words.get(words.size() - 1);
  }
}
