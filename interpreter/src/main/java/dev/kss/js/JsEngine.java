package dev.kss.js;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.ResourceLimits;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Source;

/**
 * The one polyglot Engine every JS policy shares (code it compiled is reused across contexts and
 * sessions), the cached sources, and the sandbox each policy runs in.
 *
 * <p>The sandbox is GraalVM's CONSTRAINED policy, the strictest the community edition offers
 * (UNTRUSTED needs isolates: graalvm.org/latest/security-guide/sandboxing): one language, no host
 * class lookup, no IO, no threads, no processes, no native access, no polyglot access, and host
 * access only to members marked {@code @HostAccess.Export} (the facades of this package). Runaway
 * code is stopped by a statement budget per hook call (ResourceLimits.statementLimit, reset with
 * Context.resetLimits once per window of {@link #resetEvery} calls, the limit being the window's).
 */
final class JsEngine {
  private JsEngine() {}

  private static volatile Engine engine;
  private static final Map<String, Source> SOURCES = new ConcurrentHashMap<>();
  /**
   * Only what the facades export; nothing else of the host is visible (no public access, no
   * reflection). Array access: the two arrays the prelude is handed (a policy's counters, its
   * hook-state word and a hook's arguments, JsPolicy) are read and written without a call to the
   * host; no facade method returns an array, and the module never sees them.
   */
  static final HostAccess ACCESS = HostAccess.newBuilder(HostAccess.CONSTRAINED).allowArrayAccess(true).build();

  static Engine engine() {
    Engine e = engine;
    if (e == null) {
      synchronized (JsEngine.class) {
        if ((e = engine) == null) {
          e = engine = Engine.newBuilder("js")
              .sandbox(SandboxPolicy.CONSTRAINED)
              .out(OutputStream.nullOutputStream())
              .err(OutputStream.nullOutputStream())
              // On a JVM without the Graal compiler (no JVMCI) GraalJS runs interpreted; say nothing.
              .option("engine.WarnInterpreterOnly", "false")
              .build();
        }
      }
    }
    return e;
  }

  /** "GraalVM CE" with the optimizing runtime, "Interpreted" without it. */
  static String runtime() { return engine().getImplementationName(); }

  private static final String PRELUDE_SCHEME = "kss-prelude";

  /** Whether {@code s} is a prelude (JsModule), whatever a module's file is called. */
  static boolean isPrelude(Source s) { return PRELUDE_SCHEME.equals(s.getURI().getScheme()); }

  /**
   * Policy {@code policy}'s copy of a source: its module ({@code module} true) or its prelude. The
   * engine shares compiled code between the contexts that evaluate one Source; a Source per policy
   * (its URI names the policy, its name stays the file's, for messages) keeps two policies that run
   * the same file apart, so that each call site in the module sees one prelude and the prelude's
   * call to a hook sees one module (a call site that sees several targets compiles to a test for
   * each). Contexts and sessions that run the same policy still share its code.
   */
  static Source source(String policy, String name, String text, boolean module) {
    return SOURCES.computeIfAbsent(policy + "\0" + name + "\0" + module + "\0" + text, k -> {
      Source.Builder b = Source.newBuilder("js", text, name).cached(true)
          .uri(URI.create((module ? "kss-policy" : PRELUDE_SCHEME) + ":/" + URLEncoder.encode(policy, UTF_8) + "/" + URLEncoder.encode(name, UTF_8)));
      return (module ? b.mimeType("application/javascript+module") : b).buildLiteral();
    });
  }

  /** The most statements a window of hook calls may run between two resets of the limit (see {@link #resetEvery}). */
  static final long WINDOW_STATEMENTS = 8_000_000;

  /**
   * Hook calls per budget window: the statement limit is reset once every N calls and is N times
   * the per-call budget, N = WINDOW_STATEMENTS / budget, from 1 to 64 (8 at the default budget of
   * 1,000,000). A reset enters the context (about 90 ns, as much as a hook call itself), so this
   * saves most of it; the bound stays: a call within its budget is never stopped (N calls within
   * the budget run at most the window's total), and a runaway one is stopped after at most N x
   * budget statements. (A window of 64 at the default budget saves another ~10 ns a call, but a
   * runaway hook then runs for seconds before it is stopped: not worth it.)
   */
  static int resetEvery(long budget) { return (int) Math.max(1, Math.min(64, WINDOW_STATEMENTS / Math.max(1, budget))); }

  /**
   * The statements the budget counts: the module's, not the prelude's (JsModule), whose code is
   * bounded (no loop in it runs longer than a list the host gives or the module's own code) and
   * runs on every hook call, where counting its statements would cost more than the hook itself.
   * One instance for every context, so that the engine shares their compiled code.
   */
  private static final java.util.function.Predicate<Source> COUNTED = s -> !isPrelude(s);

  /** A fresh sandboxed context on the shared engine; it may run {@code budget} statements of the module between resets of its limits. */
  static Context context(long budget) {
    return Context.newBuilder("js")
        .engine(engine())
        .sandbox(SandboxPolicy.CONSTRAINED)
        .out(OutputStream.nullOutputStream())
        .err(OutputStream.nullOutputStream())
        .allowHostAccess(ACCESS)
        // evaluating a module returns its namespace, where the default export is
        .option("js.esm-eval-returns-exports", "true")
        .resourceLimits(ResourceLimits.newBuilder().statementLimit(budget, COUNTED).build())
        .build();
  }
}
