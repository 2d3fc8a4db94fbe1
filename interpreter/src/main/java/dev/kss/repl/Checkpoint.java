package dev.kss.repl;

import dev.kss.ast.Stmt;
import dev.kss.run.Options;
import dev.kss.run.Session;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A frozen copy of a session: its machine, cursor, variables, threads and generator. What the
 * session only reads (the checked program, its statements and AST, the options) is shared with
 * the copy, not copied: the checker keeps adding to the very same program.
 */
final class Checkpoint {
  private final byte[] bytes;
  private final Object[] shared;

  private Checkpoint(byte[] bytes, Object[] shared) {
    this.bytes = bytes;
    this.shared = shared;
  }

  /**
   * Throws IllegalStateException when the session runs a JS policy (its JavaScript state cannot be
   * copied: a restored machine ejects it, JsPolicy), UncheckedIOException when something else cannot be copied.
   */
  static Checkpoint of(Session s) {
    String js = s.liveJsPolicy();
    if (js != null) throw new IllegalStateException("JS policy " + js + ": its JavaScript state");
    ByteArrayOutputStream buf = new ByteArrayOutputStream(1 << 16);
    List<Object> shared = new ArrayList<>();
    try (Out out = new Out(buf, s.program().statements(), shared)) {
      out.writeObject(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Checkpoint(buf.toByteArray(), shared.toArray());
  }

  /** A new, independent session in the state this one was taken in. */
  Session restore() {
    try (In in = new In(new ByteArrayInputStream(bytes), shared)) {
      return (Session) in.readObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  int size() { return bytes.length; }

  /** Whether the snapshot shares {@code o} rather than copying it: the program and its AST. */
  private static boolean shared(Object o, List<Stmt> statements) {
    if (o == statements || o instanceof Options) return true;
    if (o instanceof List<?> l) return !l.isEmpty() && l.get(0) instanceof Stmt; // a block's statements
    String pkg = o.getClass().getPackageName();
    return pkg.equals("dev.kss.ast") || pkg.equals("dev.kss.check");
  }

  private record Ref(int index) implements Serializable {}

  private static final class Out extends ObjectOutputStream {
    private final List<Stmt> statements;
    private final List<Object> shared;
    private final Map<Object, Ref> refs = new IdentityHashMap<>();

    Out(OutputStream out, List<Stmt> statements, List<Object> shared) throws IOException {
      super(out);
      this.statements = statements;
      this.shared = shared;
      enableReplaceObject(true);
    }

    @Override protected Object replaceObject(Object o) {
      if (!shared(o, statements)) return o;
      return refs.computeIfAbsent(o, k -> {
        shared.add(k);
        return new Ref(shared.size() - 1);
      });
    }
  }

  private static final class In extends ObjectInputStream {
    private final Object[] shared;

    In(InputStream in, Object[] shared) throws IOException {
      super(in);
      this.shared = shared;
      enableResolveObject(true);
    }

    @Override protected Object resolveObject(Object o) { return o instanceof Ref r ? shared[r.index()] : o; }
  }
}
