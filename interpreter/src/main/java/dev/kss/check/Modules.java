package dev.kss.check;

import dev.kss.ast.ScriptError;
import dev.kss.ast.Source;
import dev.kss.ast.Stmt;
import dev.kss.machine.MachineConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Where the checker finds what a script uses from outside itself: {@code use NAME} modules
 * ({@code stdlib/NAME.kss} on the class path) and the modules of policies written in another
 * language ({@code policy NAME = js "file.js"}). The checker knows them only through this port; the
 * CLI plugs in the JS bridge (dev.kss.js.Js).
 */
public interface Modules {
  /** The module's source, or null when there is none. */
  Source stdlib(String name) throws IOException;

  /** The stdlib modules there are, for messages. */
  List<String> stdlibNames();

  /**
   * The checked module of {@code policy NAME = js "file.js"}, declared in {@code from} over base
   * policy {@code base}: a ScriptError (at the file's position) when it cannot be read or is wrong.
   */
  default HookModule hooks(Stmt.JsPolicy policy, Source from, String base, MachineConfig machine) {
    throw new ScriptError(policy.filePos(), "JS policies are not available here");
  }

  /** The stdlib modules shipped with kss (stdlib/*.kss). */
  List<String> STDLIB = List.of("linux", "osv", "freebsd", "windows", "xnu");

  Modules CLASSPATH = new Modules() {
    @Override public Source stdlib(String name) throws IOException {
      if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) return null;
      String resource = "stdlib/" + name + ".kss";
      try (InputStream in = Modules.class.getClassLoader().getResourceAsStream(resource)) {
        return in == null ? null : Source.of(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }

    @Override public List<String> stdlibNames() { return STDLIB; }
  };
}
