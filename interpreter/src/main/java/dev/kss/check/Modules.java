package dev.kss.check;

import dev.kss.ast.Source;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Where {@code use NAME} finds stdlib modules: {@code stdlib/NAME.kss} on the class path. */
public interface Modules {
  /** The module's source, or null when there is none. */
  Source stdlib(String name) throws IOException;

  Modules CLASSPATH = name -> {
    if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) return null;
    String resource = "stdlib/" + name + ".kss";
    try (InputStream in = Modules.class.getClassLoader().getResourceAsStream(resource)) {
      return in == null ? null : Source.of(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  };
}
