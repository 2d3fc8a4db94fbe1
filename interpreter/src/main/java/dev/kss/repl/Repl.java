package dev.kss.repl;

import dev.kss.ast.Source;
import dev.kss.grammar.KssLexer;
import dev.kss.parse.SyntaxError;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.EOFError;
import org.jline.reader.EndOfFileException;
import org.jline.reader.Highlighter;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.reader.impl.completer.FileNameCompleter;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * The JLine front end of the {@link Debugger}: a prompt with multi-line input (an unfinished
 * statement or block continues on a secondary prompt), completion, highlighting, a history file,
 * and Ctrl-C that stops a run instead of the REPL.
 */
public final class Repl {
  static final String PROMPT = "kss> ", MORE = "...> ";

  private final Terminal terminal;
  private final Debugger debugger;
  private final LineReader reader;

  public Repl(Terminal terminal, Path history) { this(terminal, history, dev.kss.run.Options.defaults()); }

  /** {@code options}: where modules and hook modules come from (the CLI gives the JS bridge). */
  public Repl(Terminal terminal, Path history, dev.kss.run.Options options) {
    this.terminal = terminal;
    this.debugger = new Debugger(terminal.writer(), options);
    LineReaderBuilder b = LineReaderBuilder.builder().terminal(terminal).appName("kss")
        .parser(new InputParser()).completer(new InputCompleter(debugger)).highlighter(new InputHighlighter())
        .variable(LineReader.SECONDARY_PROMPT_PATTERN, MORE)
        .variable(LineReader.INDENTATION, 2)
        .variable(LineReader.HISTORY_FILE_SIZE, 10_000)
        .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
        .option(LineReader.Option.INSERT_BRACKET, false);
    if (history != null) b.variable(LineReader.HISTORY_FILE, history);
    this.reader = b.build();
  }

  /** Starts the REPL on the process's terminal, with {@code file} loaded (or none); returns the exit code. */
  public static int start(String file, dev.kss.run.Options options) {
    try (Terminal t = TerminalBuilder.builder().name("kss").system(true).dumb(true).build()) {
      Repl repl = new Repl(t, historyFile(), options);
      t.writer().println("kss REPL: type .kss statements, or :help. :load FILE loads a script to step through.");
      if (file != null) repl.debugger.handle(":load " + file);
      repl.loop();
      return 0;
    } catch (IOException e) {
      System.err.println("kss: cannot open the terminal: " + e.getMessage());
      return 2;
    }
  }

  public Debugger debugger() { return debugger; }

  /** Reads and handles inputs until :quit or end of input. */
  public void loop() {
    Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, s -> debugger.interrupt());
    try {
      while (true) {
        String line;
        try {
          line = reader.readLine(PROMPT);
        } catch (UserInterruptException e) {
          continue; // Ctrl-C at the prompt drops the line
        } catch (EndOfFileException e) {
          break;
        }
        if (!debugger.handle(line)) break;
      }
    } finally {
      terminal.handle(Terminal.Signal.INT, previous);
      try {
        reader.getHistory().save();
      } catch (IOException e) {
        // history is a convenience
      }
    }
  }

  /** $KSS_HISTORY, else $XDG_STATE_HOME/kss/history when XDG_STATE_HOME is set, else ~/.kss_history. */
  static Path historyFile() {
    String own = System.getenv("KSS_HISTORY");
    if (own != null) return own.isEmpty() ? null : Path.of(own);
    String xdg = System.getenv("XDG_STATE_HOME");
    if (xdg != null && !xdg.isEmpty()) return Path.of(xdg, "kss", "history");
    return Path.of(System.getProperty("user.home"), ".kss_history");
  }

  // ---- input

  /** Words for completion; and "more lines, please" (EOFError) when .kss input ended too soon. */
  static final class InputParser implements Parser {
    private final DefaultParser words = new DefaultParser();

    @Override public ParsedLine parse(String line, int cursor, ParseContext context) {
      if (context == ParseContext.ACCEPT_LINE && !line.strip().startsWith(":") && incomplete(line))
        throw new EOFError(-1, -1, "the statement goes on");
      return words.parse(line, cursor, context);
    }

    static boolean incomplete(String text) {
      try {
        dev.kss.parse.Parser.parse(Source.of("<input>", text + "\n"));
        return false;
      } catch (SyntaxError e) {
        return e.incomplete();
      } catch (RuntimeException e) {
        return false;
      }
    }
  }

  /** Commands and their arguments; in .kss input keywords, threads, policies, dists and metrics. */
  static final class InputCompleter implements Completer {
    private final Debugger debugger;
    private final FileNameCompleter files = new FileNameCompleter();

    InputCompleter(Debugger debugger) { this.debugger = debugger; }

    @Override public void complete(LineReader reader, ParsedLine line, List<Candidate> out) {
      List<String> w = line.words();
      int i = line.wordIndex();
      if (i == 0 && line.word().startsWith(":")) {
        for (Commands.Command c : debugger.commands().all()) out.add(new Candidate(c.name(), c.name(), null, c.help(), null, null, true));
        return;
      }
      Commands.Command c = w.isEmpty() ? null : debugger.commands().find(w.get(0));
      if (c == null) {
        for (String s : Names.all(debugger)) out.add(new Candidate(s));
        return;
      }
      switch (c.name()) {
        case ":load" -> files.complete(reader, line, out);
        case ":help" -> { for (Commands.Command x : debugger.commands().all()) out.add(new Candidate(x.name())); }
        case ":show" -> {
          if (i == 1) for (String s : List.of("cpus", "threads", "stack", "tlb", "caches", "rcu")) out.add(new Candidate(s));
          else if (i == 2 && w.get(1).equals("stack")) for (String s : Names.liveThreads(debugger)) out.add(new Candidate(s));
          else if (i == 2 && w.get(1).equals("tlb")) for (int n = 0; n < Names.cpus(debugger); n++) out.add(new Candidate(String.valueOf(n)));
        }
        case ":break" -> {
          if (i == 1) {
            for (String s : Debugger.EVENT_KINDS) out.add(new Candidate(s));
            out.add(new Candidate("violation"));
            out.add(new Candidate("when"));
          } else {
            for (String s : Names.all(debugger)) out.add(new Candidate(s));
          }
        }
        case ":metrics" -> { for (String s : Names.metrics(debugger, false)) out.add(new Candidate(s)); }
        case ":watch", ":display" -> { for (String s : Names.all(debugger)) out.add(new Candidate(s)); }
        default -> {}
      }
    }
  }

  /** Colours .kss input by its tokens, and the command word of a command. */
  static final class InputHighlighter implements Highlighter {
    private static final AttributedStyle KEYWORD = AttributedStyle.BOLD.foreground(AttributedStyle.BLUE);
    private static final AttributedStyle NUMBER = AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN);
    private static final AttributedStyle STRING = AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN);
    private static final AttributedStyle COMMENT = AttributedStyle.DEFAULT.foreground(AttributedStyle.BRIGHT).faint();
    private static final AttributedStyle BAD = AttributedStyle.DEFAULT.foreground(AttributedStyle.RED);
    private static final AttributedStyle COMMAND = AttributedStyle.BOLD.foreground(AttributedStyle.MAGENTA);

    @Override public AttributedString highlight(LineReader reader, String buffer) {
      AttributedStringBuilder b = new AttributedStringBuilder();
      String lead = buffer.stripLeading();
      if (lead.startsWith(":")) {
        int start = buffer.length() - lead.length(), end = start;
        while (end < buffer.length() && !Character.isWhitespace(buffer.charAt(end))) end++;
        b.append(buffer.substring(0, start)).styled(COMMAND, buffer.substring(start, end)).append(buffer.substring(end));
        return b.toAttributedString();
      }
      KssLexer lexer = new KssLexer(CharStreams.fromString(buffer));
      lexer.removeErrorListeners();
      int at = 0;
      for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) {
        gap(b, buffer.substring(at, t.getStartIndex()));
        b.styled(style(t), t.getText());
        at = t.getStopIndex() + 1;
      }
      gap(b, buffer.substring(Math.min(at, buffer.length())));
      return b.toAttributedString();
    }

    /** Skipped text between tokens: blanks and comments. */
    private static void gap(AttributedStringBuilder b, String s) {
      int hash = s.indexOf('#');
      if (hash < 0) b.append(s);
      else b.append(s.substring(0, hash)).styled(COMMENT, s.substring(hash));
    }

    private static AttributedStyle style(Token t) {
      return switch (t.getType()) {
        case KssLexer.NUMBER, KssLexer.PERCENT -> NUMBER;
        case KssLexer.STRING -> STRING;
        case KssLexer.UNTERMINATED, KssLexer.BAD -> BAD;
        case KssLexer.ID, KssLexer.NL -> AttributedStyle.DEFAULT;
        default -> Names.KEYWORDS.contains(t.getText()) ? KEYWORD : AttributedStyle.DEFAULT;
      };
    }

    @Override public void setErrorPattern(Pattern errorPattern) { }

    @Override public void setErrorIndex(int errorIndex) { }
  }
}
