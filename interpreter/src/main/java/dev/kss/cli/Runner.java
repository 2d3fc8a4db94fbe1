package dev.kss.cli;

import dev.kss.ast.Pos;
import dev.kss.ast.Script;
import dev.kss.ast.ScriptError;
import dev.kss.ast.Source;
import dev.kss.check.Checker;
import dev.kss.check.Program;
import dev.kss.parse.Parser;
import dev.kss.run.Options;
import dev.kss.run.Report;
import dev.kss.run.Session;
import dev.kss.run.Witness;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One scenario from file to exit code: parse, check, run, report. Exit 0: every expectation held;
 * 1: one failed; 2: the script is wrong (the first error, located, on {@code err}, and nothing
 * on {@code out} before it). Never lets an exception escape.
 */
public final class Runner {
  private final PrintStream out;
  private final PrintStream err;
  private final boolean debug;

  public Runner(PrintStream out, PrintStream err, boolean debug) {
    this.out = out;
    this.err = err;
    this.debug = debug;
  }

  /** {@code file} is shown in messages as given. */
  public int run(String file, Options options, Path json) { return run(file, options, json, null); }

  /** The same, writing the shortest interleaving an explore found to {@code witness} (when one was found). */
  public int run(String file, Options options, Path json, Path witness) {
    Source source;
    try {
      source = Source.read(Path.of(file), file);
    } catch (NoSuchFileException e) {
      err.println("kss: cannot read " + file + ": no such file");
      return 2;
    } catch (ScriptError e) { // not UTF-8: where, as for any error in the script
      err.print(e.render());
      return 2;
    } catch (IOException | RuntimeException e) {
      err.println("kss: cannot read " + file + ": " + e.getMessage());
      return 2;
    }
    return run(source, options, json, witness);
  }

  public int run(Source source, Options options, Path json) { return run(source, options, json, null); }

  public int run(Source source, Options options, Path json, Path witness) {
    List<String> printed = new ArrayList<>();
    try {
      Script script = Parser.parse(source);
      Checker checker = new Checker(options.modules());
      checker.add(script);
      Program program = checker.program();
      Session session = new Session(program, options.withPrinter(printed::add));
      session.runToEnd();
      String report = Report.text(session, source.name());
      boolean jsonOut = json != null && json.toString().equals("-");
      if (json != null && !jsonOut) {
        try {
          Files.writeString(json, Report.jsonText(session, source.name()), StandardCharsets.UTF_8);
        } catch (IOException e) {
          err.println("kss: cannot write " + json + ": " + e.getMessage());
          return 2;
        }
      }
      if (witness != null) {
        String w = Witness.script(session);
        if (w == null) {
          err.println("kss: no explore found an interleaving to show: " + witness + " not written");
        } else {
          try {
            Files.writeString(witness, w, StandardCharsets.UTF_8);
          } catch (IOException e) {
            err.println("kss: cannot write " + witness + ": " + e.getMessage());
            return 2;
          }
        }
      }
      for (dev.kss.run.Expectation e : session.expectations())
        if (e.verdict() != null)
          err.println("kss: explore for line " + e.stmt().pos().line() + ": " + e.verdict().interleavings() + " interleavings, "
              + e.verdict().states() + " distinct states, searched in " + e.verdict().took());
      if (jsonOut) {
        out.print(Report.jsonText(session, source.name()));   // --json -: the JSON alone on standard output, for tools
      } else {
        for (String line : printed) out.println(line);
        out.print(report);
      }
      out.flush();
      return session.allExpectationsHeld() ? 0 : 1;
    } catch (ScriptError e) {
      err.print(e.render());
      if (debug && e.getCause() != null) e.getCause().printStackTrace(err);
      return 2;
    } catch (StackOverflowError e) {
      err.print(new ScriptError(new Pos(source, 1, 1), "the script is nested too deeply").render());
      return 2;
    } catch (RuntimeException | Error e) {
      err.println("kss: internal error: " + e);
      if (debug) e.printStackTrace(err);
      else err.println("(run with --debug for the stack trace)");
      return 2;
    }
  }
}
