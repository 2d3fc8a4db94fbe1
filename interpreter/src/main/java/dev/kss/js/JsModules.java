package dev.kss.js;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kss.ast.ScriptError;
import dev.kss.ast.Setting;
import dev.kss.ast.Source;
import dev.kss.ast.Stmt;
import dev.kss.check.HookModule;
import dev.kss.check.Modules;
import dev.kss.machine.MachineConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The checker's side of {@code policy NAME = js "file.js" [extends BASE] [{ OPTIONS }]}, through its
 * {@link Modules} port: finds and reads the module, turns the options into JSON, and loads the
 * module once to check its shape, so that a broken module is a static error (exit 2) at its own
 * line and column. Stdlib modules are the ones it wraps.
 */
final class JsModules implements Modules {
  private final Modules stdlib;

  JsModules(Modules stdlib) { this.stdlib = stdlib; }

  @Override public Source stdlib(String name) throws IOException { return stdlib.stdlib(name); }

  @Override public List<String> stdlibNames() { return stdlib.stdlibNames(); }

  @Override public HookModule hooks(Stmt.JsPolicy policy, Source from, String base, MachineConfig machine) {
    return spec(policy, from, base, machine);
  }

  /**
   * {@code "x.js"} or {@code "dir/x.js"}: relative to the file that declares the policy;
   * a bare name such as {@code "lifo"}: {@code stdlib/js/lifo.js} on the class path.
   */
  static JsSpec spec(Stmt.JsPolicy j, Source from, String base, MachineConfig machine) {
    String file = j.file(), shown, text;
    try {
      if (file.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        shown = "stdlib/js/" + file + ".js";
        try (InputStream in = JsModules.class.getClassLoader().getResourceAsStream(shown)) {
          if (in == null) throw new ScriptError(j.filePos(), "unknown JS module '" + file + "': there is no " + shown + " (a file of your own needs its .js)");
          text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      } else {
        Path dir = from.path() == null ? Path.of("") : from.path().toAbsolutePath().getParent();
        Path path = dir.resolve(file).normalize();
        shown = from.path() == null ? file : Path.of(from.name()).resolveSibling(file).normalize().toString();
        if (!Files.isRegularFile(path)) throw new ScriptError(j.filePos(), "cannot read '" + file + "': no such file");
        text = Files.readString(path, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new ScriptError(j.filePos(), "cannot read '" + file + "': " + e.getMessage());
    }
    List<Setting> options = j.options() == null ? List.of() : j.options();
    long budget = JsSpec.DEFAULT_BUDGET;
    for (Setting s : options) {
      if (!s.key().name().equals("budget")) continue;
      if (s.values().size() != 1 || s.values().get(0).kind() != Setting.Kind.NUMBER || s.values().get(0).number() < 1000
          || s.values().get(0).number() > 1e9 || s.values().get(0).number() != Math.rint(s.values().get(0).number()))
        throw new ScriptError(s.key().pos(), "budget takes a whole number of statements per hook call, from 1000 to 1000000000");
      budget = (long) s.values().get(0).number();
    }
    String json = options(options, machine.pageSize).toString();
    JsSpec spec = new JsSpec(j.name().name(), shown, text, json, List.of(), List.of(), 0, budget, base, j.pos().toString());
    try {
      JsModule.Inspection in = JsModule.inspect(spec, machine.cpus, machine.numa);
      return new JsSpec(spec.policy(), shown, text, json, in.hooks(), in.counters(), in.reclaimEveryNs(), budget, base, spec.where());
    } catch (JsModule.LoadError e) {
      throw new ScriptError(j.filePos(), e.getMessage());
    }
  }

  /**
   * Options as JSON: {@code KEY VALUE} is a number (sizes in bytes, pages as bytes, durations in
   * ns, percentages as fractions), a string (words and strings) or, with several values, a list;
   * a key alone is {@code true}; {@code KEY { ... }} an object.
   */
  static ObjectNode options(List<Setting> settings, int pageSize) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    for (Setting s : settings) {
      String key = s.key().name();
      if (s.block() != null) { o.set(key, options(s.block(), pageSize)); continue; }
      List<Setting.Value> vs = s.values().stream().filter(v -> v.kind() != Setting.Kind.COMMA).toList();
      if (vs.isEmpty()) { o.put(key, true); continue; }
      if (vs.size() == 1) { put(o, key, vs.get(0), pageSize); continue; }
      ArrayNode a = o.putArray(key);
      for (Setting.Value v : vs) {
        ObjectNode tmp = JsonNodeFactory.instance.objectNode();
        put(tmp, "v", v, pageSize);
        a.add(tmp.get("v"));
      }
    }
    return o;
  }

  private static void put(ObjectNode o, String key, Setting.Value v, int pageSize) {
    switch (v.kind()) {
      case NUMBER -> {
        double n = v.unit() == dev.kss.ast.Unit.PAGES ? v.number() * pageSize : v.number();
        if (n == Math.rint(n) && Math.abs(n) < 9e15) o.put(key, (long) n); else o.put(key, n);
      }
      case WORD -> {
        switch (v.text()) {
          case "yes", "true", "on" -> o.put(key, true);
          case "no", "false", "off" -> o.put(key, false);
          default -> o.put(key, v.text());
        }
      }
      default -> o.put(key, v.text());
    }
  }
}
