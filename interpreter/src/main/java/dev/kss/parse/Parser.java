package dev.kss.parse;

import dev.kss.ast.Pos;
import dev.kss.ast.Script;
import dev.kss.ast.ScriptError;
import dev.kss.ast.Source;
import dev.kss.ast.Stmt;
import dev.kss.grammar.KssLexer;
import dev.kss.grammar.KssParser;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.Vocabulary;
import org.antlr.v4.runtime.misc.IntervalSet;
import org.antlr.v4.runtime.tree.ErrorNode;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.ParseTreeListener;
import org.antlr.v4.runtime.tree.TerminalNode;

/** Text to AST. The first syntax error stops the parse as a {@link SyntaxError} in words. */
public final class Parser {
  private Parser() {}

  public static Script parse(Source source) {
    KssParser parser = parser(source);
    TopLevel top = new TopLevel(new AstBuilder(source, parser.getTokenStream()), (Tokens) parser.getTokenStream());
    parser.addParseListener(top);
    parser.script();
    return new Script(source, top.statements());
  }

  /**
   * Builds each top-level statement's AST once the parser has moved past it, then lets go of its
   * parse tree and tokens, so that a long script is never held whole in ANTLR's form (a million
   * lines: 550 MiB of parse tree and 265 MiB of tokens, against 210 MiB of AST). A statement is
   * built when the next child of the script begins (a separator, a statement, the end), never while
   * an error unwinds the parser; an error the builder finds is thrown after the parse, so that a
   * syntax error anywhere still comes first, as when the whole tree was built before the AST.
   */
  private static final class TopLevel implements ParseTreeListener {
    private final AstBuilder builder;
    private final Tokens tokens;
    private final List<Stmt> statements = new ArrayList<>();
    private KssParser.StmtContext finished; // the last statement the parser finished, not yet built
    private ScriptError error;

    TopLevel(AstBuilder builder, Tokens tokens) {
      this.builder = builder;
      this.tokens = tokens;
    }

    @Override public void exitEveryRule(ParserRuleContext ctx) {
      if (ctx instanceof KssParser.StmtContext s && s.getParent() instanceof KssParser.ScriptContext) finished = s;
    }

    @Override public void enterEveryRule(ParserRuleContext ctx) {
      if (ctx.getParent() instanceof KssParser.ScriptContext script) movedOn(script);
    }

    @Override public void visitTerminal(TerminalNode node) { // a separator before the first statement, or the end
      if (node.getParent() instanceof KssParser.ScriptContext script) {
        movedOn(script);
        tokens.forgetBefore(node.getSymbol().getTokenIndex());
      }
    }

    @Override public void visitErrorNode(ErrorNode node) {}

    /** The parser has begun a new child of the script: the ones before it are complete. */
    private void movedOn(KssParser.ScriptContext script) {
      build();
      List<ParseTree> children = script.children;
      if (children.size() > 1) {
        ParseTree newest = children.getLast();
        children.clear();
        children.add(newest);
      }
    }

    private void build() {
      if (finished == null) return;
      tokens.forgetBefore(finished.getStop().getTokenIndex());
      if (error == null) {
        try {
          statements.add(builder.statement(finished));
        } catch (ScriptError e) {
          error = e;
        }
      }
      finished = null;
    }

    /** After a parse without a syntax error. */
    List<Stmt> statements() {
      build();
      if (error != null) throw error;
      return List.copyOf(statements);
    }
  }

  /** The ANTLR parser over {@code source}, its first syntax error thrown as a {@link SyntaxError}. */
  static KssParser parser(Source source) {
    KssLexer lexer = new KssLexer(CharStreams.fromString(source.text(), source.name()));
    lexer.removeErrorListeners(); // the lexer never fails: stray characters become BAD tokens
    KssParser parser = new KssParser(new Tokens(lexer));
    parser.removeErrorListeners();
    parser.addErrorListener(new Listener(source));
    return parser;
  }

  /**
   * The tokens, of which those before a statement already built can be let go: the parser never
   * looks back past the statement it is in (its decisions start there, and it reads one token back).
   */
  static final class Tokens extends CommonTokenStream {
    private int forgotten;

    Tokens(KssLexer lexer) { super(lexer); }

    void forgetBefore(int index) {
      for (; forgotten < index; forgotten++) tokens.set(forgotten, null);
    }
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

  /** A token as a person names it; a very long one by its start (a 1 MB string is not repeated). */
  static String describe(Token t) {
    String text = t.getText();
    if (text.length() > LONGEST_SHOWN) text = text.substring(0, LONGEST_SHOWN - 3) + "...";
    return switch (t.getType()) {
      case Token.EOF -> "end of file";
      case KssLexer.NL -> "end of line";
      case KssLexer.STRING -> "string " + text;
      default -> "'" + text + "'";
    };
  }

  private static final int LONGEST_SHOWN = 60;

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
