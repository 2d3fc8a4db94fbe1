package dev.kss.trace;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * A streaming reader of the text {@code perf script} prints (tools/perf/builtin-script.c): one
 * event per line, {@code COMM PID [CPU] SECONDS: EVENT: FIELDS}, in the default shape (an
 * instruction pointer and symbol after the fields, call-chain lines under events recorded with
 * call graphs) or the {@code -F comm,pid,cpu,time,event,trace} one; plain, gzip or xz (told by
 * the file's first bytes). Command names may contain spaces, in the header and in fields
 * ({@code prev_comm=VM Thread prev_pid=...}). Events a replay does not use are skipped after their
 * header; only the current line is held, so memory does not grow with the trace.
 */
public final class PerfScript implements Closeable {
  /** The events read, by their perf names. */
  static final String FORK = "sched:sched_process_fork", EXIT = "sched:sched_process_exit", SWITCH = "sched:sched_switch",
      MIGRATE = "sched:sched_migrate_task", WAKEUP_NEW = "sched:sched_wakeup_new", VMAP_ALLOC = "vmalloc:alloc_vmap_area",
      VMAP_FREE = "vmalloc:free_vmap_area_noflush", PURGE = "vmalloc:purge_vmap_area_lazy";

  private final String name;
  private final BufferedReader in;
  private long lineNo;
  private long eventLines;
  private long lastTime = Long.MIN_VALUE;
  /** An event read but not yet returned: an alloc_vmap_area waits for its call chain. */
  private TraceEvent held;
  /** Whether the last event line read was {@link #held}'s (call-chain lines belong to the event line above them). */
  private boolean underHeld;
  private boolean ended;

  private PerfScript(String name, InputStream raw) throws IOException {
    this.name = name;
    BufferedInputStream b = new BufferedInputStream(raw, 1 << 16);
    b.mark(8);
    int b0 = b.read(), b1 = b.read(), b2 = b.read();
    b.reset();
    InputStream s = b;
    if (b0 == 0x1f && b1 == 0x8b) s = new GZIPInputStream(b, 1 << 16);
    else if (b0 == 0xfd && b1 == '7' && b2 == 'z') s = new BufferedInputStream(new XZInputStream(b), 1 << 16);
    this.in = new BufferedReader(new InputStreamReader(s, StandardCharsets.UTF_8), 1 << 16);
  }

  /** Opens {@code file}, shown in messages as {@code shown}; a missing or unreadable file is a {@link TraceError}. */
  public static PerfScript open(Path file, String shown) {
    try {
      if (Files.isDirectory(file)) throw new TraceError(shown, 0, null, "cannot read the trace: it is a directory");
      return new PerfScript(shown, Files.newInputStream(file));
    } catch (NoSuchFileException e) {
      throw new TraceError(shown, 0, null, "cannot read the trace: no such file");
    } catch (IOException e) {
      throw new TraceError(shown, 0, null, "cannot read the trace: " + e.getMessage());
    }
  }

  /** Reads {@code text} as a trace (tests). */
  public static PerfScript of(String name, InputStream text) {
    try {
      return new PerfScript(name, text);
    } catch (IOException e) {
      throw new TraceError(name, 0, null, "cannot read the trace: " + e.getMessage());
    }
  }

  public String name() { return name; }

  /** Lines read so far. */
  public long lines() { return lineNo; }

  /** Event lines read so far (call-chain lines not counted), of every kind, used or not; not the one read ahead. */
  public long eventLines() { return held != null ? eventLines - 1 : eventLines; }

  /** The next event a replay uses, or null at the end of the trace. */
  public TraceEvent next() {
    while (!ended) {
      String line = readLine();
      if (line == null) {
        ended = true;
        break;
      }
      if (line.isEmpty() || line.charAt(0) == '#') continue;
      if (line.charAt(0) == '\t') { chain(line); continue; }
      TraceEvent e = parse(line);
      if (e == CHAIN) { chain(line); continue; }
      if (e == SKIPPED) { underHeld = false; continue; }
      TraceEvent out = held;
      held = e;
      underHeld = true;
      if (out != null) return out;
    }
    TraceEvent out = held;
    held = null;
    return out;
  }

  private static final TraceEvent CHAIN = new TraceEvent.Purge(null), SKIPPED = new TraceEvent.Purge(null);

  private String readLine() {
    try {
      String l = in.readLine();
      if (l != null) lineNo++;
      return l;
    } catch (IOException e) {
      throw new TraceError(name, lineNo + 1, null, "cannot read the trace: " + e.getMessage());
    } catch (UncheckedIOException e) {
      throw new TraceError(name, lineNo + 1, null, "cannot read the trace: " + e.getCause().getMessage());
    }
  }

  /** A call-chain line: an alloc_vmap_area reached from copy_process() allocates a thread stack. */
  private void chain(String line) {
    if (underHeld && held instanceof TraceEvent.VmapAlloc a)
      held = a.withChain(line.contains(" copy_process+") || line.contains(" alloc_thread_stack_node+") || line.contains(" dup_task_struct+"));
  }

  // ---------------------------------------------------------------- one line

  private TraceEvent parse(String line) {
    int open = header(line);
    if (open < 0) {
      if (looksLikeChain(line)) return CHAIN;
      throw bad(line, "not an event line of perf script: expected COMM PID [CPU] SECONDS: EVENT: FIELDS");
    }
    eventLines++;
    int close = line.indexOf(']', open);
    int cpu = (int) within(digits(line, open + 1, close, line, "the CPU"), MAX_CPUS - 1, line, "the CPU");
    int p = close + 1;
    while (line.charAt(p) == ' ') p++;
    int colon = line.indexOf(':', p);
    long time = seconds(line, p, colon);
    if (time < lastTime) time = lastTime;   // perf script sorts by time; equal or earlier stamps keep the order written
    lastTime = time;
    int pidEnd = open;
    while (pidEnd > 0 && line.charAt(pidEnd - 1) == ' ') pidEnd--;
    int pidStart = pidEnd;
    while (pidStart > 0 && isDigit(line.charAt(pidStart - 1))) pidStart--;
    int pid = (int) within(digits(line, pidStart, pidEnd, line, "the pid"), PID_MAX_LIMIT, line, "the pid");
    if (pidStart > 0 && line.charAt(pidStart - 1) == '-') { pid = -pid; pidStart--; }   // ":-1 -1": a task perf could not resolve
    int nameStart = colon + 1;
    while (nameStart < line.length() && line.charAt(nameStart) == ' ') nameStart++;
    int sub = line.indexOf(':', nameStart);
    int nameEnd = sub < 0 ? -1 : line.indexOf(':', sub + 1);
    if (nameEnd < 0) throw bad(line, "no event name after the time: expected SUBSYSTEM:EVENT:");
    int f = nameEnd + 1;
    String kind = known(line, nameStart, nameEnd);
    if (kind == null) return SKIPPED;
    TraceEvent.Header h = new TraceEvent.Header(lineNo, line.substring(0, pidStart).trim(), pid, cpu, time);
    return switch (kind) {
      case FORK -> new TraceEvent.Fork(h, intField(line, f, " pid=", kind), intField(line, f, "child_pid=", kind), text(line, f, "child_comm=", " child_pid=", kind));
      case EXIT -> new TraceEvent.Exit(h, intField(line, f, " pid=", kind), text(line, f, "comm=", " pid=", kind));
      case SWITCH -> new TraceEvent.Switch(h, intField(line, f, "prev_pid=", kind), text(line, f, "prev_comm=", " prev_pid=", kind),
          state(line, f, kind), intField(line, f, "next_pid=", kind), text(line, f, "next_comm=", " next_pid=", kind));
      case MIGRATE -> new TraceEvent.Migrate(h, intField(line, f, " pid=", kind), text(line, f, "comm=", " pid=", kind),
          intField(line, f, "orig_cpu=", kind), intField(line, f, "dest_cpu=", kind));
      case WAKEUP_NEW -> new TraceEvent.WakeupNew(h, intField(line, f, " pid=", kind), text(line, f, "comm=", " pid=", kind),
          intField(line, f, "target_cpu=", kind));
      case VMAP_ALLOC -> new TraceEvent.VmapAlloc(h, address(line, f, "va_start", kind), longField(line, f, "size=", kind),
          longField(line, f, "align=", kind), line.indexOf("failed=1", f) >= 0, false, false);
      case VMAP_FREE -> new TraceEvent.VmapFree(h, address(line, f, "va_start", kind));
      case PURGE -> new TraceEvent.Purge(h);
      default -> throw new IllegalStateException(kind);
    };
  }

  /**
   * Where the header's {@code [CPU]} opens, or -1 when the line has none: the first {@code [}
   * that follows a pid and is followed by digits, {@code ]}, spaces and {@code SECONDS:}.
   */
  private static int header(String line) {
    for (int i = line.indexOf(" ["); i >= 0; i = line.indexOf(" [", i + 1)) {
      int o = i + 1, j = o + 1, n = line.length();
      while (j < n && isDigit(line.charAt(j))) j++;
      if (j == o + 1 || j >= n || line.charAt(j) != ']') continue;
      j++;
      int k = j;
      while (k < n && line.charAt(k) == ' ') k++;
      if (k == j) continue;
      int d = k;
      while (d < n && isDigit(line.charAt(d))) d++;
      if (d == k || d >= n || line.charAt(d) != '.') continue;
      d++;
      int frac = d;
      while (d < n && isDigit(line.charAt(d))) d++;
      if (d == frac || d >= n || line.charAt(d) != ':') continue;
      int b = i;
      while (b > 0 && line.charAt(b - 1) == ' ') b--;
      if (b == 0 || !isDigit(line.charAt(b - 1))) continue;   // the pid ends before the spaces
      return o;
    }
    return -1;
  }

  /**
   * A call-chain line written with spaces instead of a tab: indented, an address in hex, then a
   * symbol; never a line with an event header's {@code [CPU]} in it (a truncated event line).
   */
  private static boolean looksLikeChain(String line) {
    int i = 0, n = line.length();
    while (i < n && line.charAt(i) == ' ') i++;
    if (i == 0) return false;
    for (int b = line.indexOf(" ["); b >= 0; b = line.indexOf(" [", b + 1))
      if (b + 2 < n && isDigit(line.charAt(b + 2))) return false;
    int s = i;
    while (i < n && Character.digit(line.charAt(i), 16) >= 0) i++;
    return i > s && i < n && line.charAt(i) == ' ';
  }

  /** The events read, the most frequent first. */
  private static final String[] KNOWN = {SWITCH, MIGRATE, WAKEUP_NEW, FORK, EXIT, VMAP_ALLOC, VMAP_FREE, PURGE};

  private static String known(String line, int from, int to) {
    int n = to - from;
    for (String k : KNOWN) if (k.length() == n && line.startsWith(k, from)) return k;
    return null;
  }

  private static boolean isDigit(char c) { return c >= '0' && c <= '9'; }

  private long digits(String line, int from, int to, String text, String what) {
    if (to <= from || to - from > 18) throw bad(text, "expected a number for " + what);
    long v = 0;
    for (int i = from; i < to; i++) {
      char c = line.charAt(i);
      if (!isDigit(c)) throw bad(text, "expected a number for " + what);
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** {@code 104.006412} (microseconds, perf's default) or more digits, in nanoseconds. */
  private long seconds(String line, int from, int colon) {
    int dot = line.indexOf('.', from);
    long s = digits(line, from, dot, line, "the time");
    long ns = 0;
    int n = 0;
    for (int i = dot + 1; i < colon; i++, n++) if (n < 9) ns = ns * 10 + (line.charAt(i) - '0');
    for (; n < 9; n++) ns *= 10;
    if (s > 9_000_000_000L) throw bad(line, "the time is out of range");
    return s * 1_000_000_000L + ns;
  }

  /** A pid or CPU field: no more than the kernel allows (PID_MAX_LIMIT pids, NR_CPUS CPUs). */
  private int intField(String line, int from, String key, String kind) {
    long v = longField(line, from, key, kind);
    return (int) within(v, key.contains("cpu") ? MAX_CPUS - 1 : PID_MAX_LIMIT, line, kind + ": " + key.trim().replace("=", ""));
  }

  /** include/linux/threads.h: PID_MAX_LIMIT is 4 M on 64-bit; x86-64's NR_CPUS is at most 8192. */
  static final long PID_MAX_LIMIT = 4 * 1024 * 1024, MAX_CPUS = 8192;

  private long within(long v, long max, String line, String what) {
    if (v > max) throw bad(line, what + " " + v + " is out of range (at most " + max + ")");
    return v;
  }

  private long longField(String line, int from, String key, String kind) {
    int i = line.indexOf(key, from);
    if (i < 0) throw bad(line, kind + " without " + key.trim());
    int s = i + key.length(), e = s;
    long v = 0;
    while (e < line.length() && isDigit(line.charAt(e))) v = v * 10 + (line.charAt(e++) - '0');
    if (e == s || e - s > 18) throw bad(line, "expected a number for " + key.trim().replace("=", ""));   // the label only when it is wrong
    return v;
  }

  /** A command name: from {@code key} to {@code nextKey} (names may hold spaces). */
  private String text(String line, int from, String key, String nextKey, String kind) {
    int i = line.indexOf(key, from);
    if (i < 0) throw bad(line, kind + " without " + key);
    int s = i + key.length();
    int e = line.indexOf(nextKey, s);
    if (e < 0) throw bad(line, kind + " without " + nextKey.trim());
    return line.substring(s, e);
  }

  private char state(String line, int from, String kind) {
    int i = line.indexOf("prev_state=", from);
    if (i < 0 || i + 11 >= line.length()) throw bad(line, kind + " without prev_state=");
    return line.charAt(i + 11);
  }

  /** {@code va_start: 18446683600571072512} (alloc, decimal) or {@code va_start=0xffffc90000110000} (free, hex), as 6.x prints them. */
  private long address(String line, int from, String key, String kind) {
    int i = line.indexOf(key, from);
    if (i < 0) throw bad(line, kind + " without " + key);
    int s = i + key.length();
    if (s < line.length() && (line.charAt(s) == ':' || line.charAt(s) == '=')) s++;
    while (s < line.length() && line.charAt(s) == ' ') s++;
    boolean hex = line.startsWith("0x", s);
    if (hex) s += 2;
    int e = s;
    while (e < line.length() && Character.digit(line.charAt(e), hex ? 16 : 10) >= 0) e++;
    try {
      return Long.parseUnsignedLong(line, s, e, hex ? 16 : 10);
    } catch (NumberFormatException | IndexOutOfBoundsException x) {
      throw bad(line, kind + ": expected an address after " + key);
    }
  }

  private TraceError bad(String line, String problem) { return new TraceError(name, lineNo, line, problem); }

  @Override public void close() {
    try {
      in.close();
    } catch (IOException ignored) {
      // nothing was written
    }
  }
}
