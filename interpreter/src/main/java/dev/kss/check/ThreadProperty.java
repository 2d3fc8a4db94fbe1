package dev.kss.check;

/** The values of one thread an expression can read: {@code a.depth}, {@code w[i].cpu}, ... */
public enum ThreadProperty {
  DEPTH("depth", Type.SIZE, "how much of its kernel stack it uses now"),
  CPU("cpu", Type.NUMBER, "the CPU it runs on, or last ran on"),
  STATE("state", Type.TEXT, "\"running\" (the current thread of its CPU), \"runnable\", \"sleeping\" or \"dead\""),
  RESIDENT("resident", Type.SIZE, "the memory mapped into its stack now (an expansion segment included)");

  public final String key;
  public final Type type;
  public final String meaning;

  ThreadProperty(String key, Type type, String meaning) {
    this.key = key;
    this.type = type;
    this.meaning = meaning;
  }

  public static ThreadProperty of(String key) {
    for (ThreadProperty p : values()) if (p.key.equals(key)) return p;
    return null;
  }

  public static String keys() {
    StringBuilder b = new StringBuilder();
    for (ThreadProperty p : values()) b.append(b.isEmpty() ? "" : ", ").append(p.key);
    return b.toString();
  }
}
