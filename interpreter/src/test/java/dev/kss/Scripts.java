package dev.kss;

import dev.kss.ast.Source;
import dev.kss.cli.Runner;
import dev.kss.run.Options;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Runs scripts in-process as the CLI would, capturing what it prints. */
public final class Scripts {
  private Scripts() {}

  public record Result(int exit, String out, String err) {
    public String firstErrorLine() { return err.isEmpty() ? "" : err.lines().findFirst().orElse(""); }
  }

  public static Result run(String name, String text) { return run(Source.of(name, text), dev.kss.js.Js.enable(Options.defaults()).withCheck(true)); }

  public static Result run(Source source, Options options) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
         PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      int code = new Runner(o, e, false).run(source, options, null);
      return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
  }

  /** The repository root (surefire sets kss.root), or null. */
  public static Path root() {
    String r = System.getProperty("kss.root");
    return r == null ? null : Path.of(r).toAbsolutePath().normalize();
  }
}
