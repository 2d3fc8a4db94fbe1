package dev.kss.machine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;

/**
 * A frozen copy of the whole model (and whatever holds it, such as an interpreter session): every
 * model class is Serializable, so one object graph written out and read back is an exact, deep,
 * independent copy. The REPL's {@code :back} restores the nearest snapshot and replays from there.
 */
public final class Snapshot {
  private final byte[] bytes;

  private Snapshot(byte[] bytes) { this.bytes = bytes; }

  public static Snapshot of(Serializable root) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
    try (ObjectOutputStream o = new ObjectOutputStream(out)) {
      o.writeObject(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Snapshot(out.toByteArray());
  }

  /** A new, independent copy of the graph the snapshot was taken of. */
  @SuppressWarnings("unchecked")
  public <T> T restore() {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return (T) in.readObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  public int size() { return bytes.length; }
}
