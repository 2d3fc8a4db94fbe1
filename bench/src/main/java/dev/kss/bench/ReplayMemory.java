package dev.kss.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.kss.check.Program;
import dev.kss.run.Session;
import dev.kss.trace.Replay;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Issue 14's memory target: a 10 M-line trace replayed within a 512 MiB heap. Writes a
 * {@link SyntheticTrace} (unless the file is there already; it is kept for the next run), then
 * replays it once in this JVM, cold, through a {@link Session} as {@code ./kss FILE.kss} would, and
 * prints the wall time, lines per second and the heap: the most used before and after any
 * collection, from the collectors' notifications (after a collection: what the replay holds; before
 * one: how full the heap got). Run it with the heap under test:
 *
 * <pre>
 *   java -XX:+UseSerialGC -Xss8m -Xmx512m -cp bench/target/benchmarks.jar dev.kss.bench.ReplayMemory [FILE [LINES [CPUS]]]
 * </pre>
 *
 * Defaults: /tmp/kss-replay-10m.perf.txt, 10,000,000 lines, 4 CPUs. Exit status 1 when the replay
 * fails (an OutOfMemoryError included) or skips events.
 */
public final class ReplayMemory {
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args.length > 0 ? args[0] : "/tmp/kss-replay-10m.perf.txt");
    long lines = args.length > 1 ? Long.parseLong(args[1].replace("_", "").replace(",", "")) : 10_000_000L;
    int cpus = args.length > 2 ? Integer.parseInt(args[2]) : SyntheticTrace.DEFAULT_CPUS;
    var rt = Runtime.getRuntime();
    System.out.printf(Locale.ROOT, "%s %s, max heap %.0f MiB, %d CPUs visible%n", System.getProperty("java.vm.name"),
        System.getProperty("java.version"), rt.maxMemory() / 1048576.0, rt.availableProcessors());
    if (!Files.exists(file)) {
      long t0 = System.nanoTime();
      SyntheticTrace.Written w = SyntheticTrace.write(file, lines, cpus, SyntheticTrace.DEFAULT_SEED, SyntheticTrace.DEFAULT_THREAD_CHAIN);
      System.out.printf(Locale.ROOT, "wrote %s in %.1f s: %s; %,d bytes%n", file, (System.nanoTime() - t0) / 1e9, w, Files.size(file));
    } else {
      System.out.printf(Locale.ROOT, "using %s (%,d bytes; written earlier, not checked against LINES)%n", file, Files.size(file));
    }

    java.util.Set<String> heapPools = new java.util.HashSet<>();
    for (var pool : ManagementFactory.getMemoryPoolMXBeans())
      if (pool.getType() == java.lang.management.MemoryType.HEAP) heapPools.add(pool.getName());
    AtomicLong maxBefore = new AtomicLong(), maxAfter = new AtomicLong(), collections = new AtomicLong();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc).addNotificationListener((n, h) -> {
        if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) return;
        var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData()).getGcInfo();
        maxBefore.accumulateAndGet(sum(info.getMemoryUsageBeforeGc(), heapPools), Math::max);
        maxAfter.accumulateAndGet(sum(info.getMemoryUsageAfterGc(), heapPools), Math::max);
        collections.incrementAndGet();
      }, null, null);
    }

    Program p = ReplayThroughput.program(file, cpus);
    long t0 = System.nanoTime();
    Session s;
    try {
      s = ReplayThroughput.run(p);
    } catch (OutOfMemoryError e) {
      System.out.printf(Locale.ROOT, "FAILED after %.1f s: %s%n", (System.nanoTime() - t0) / 1e9, e);
      System.exit(1);
      return;
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    Replay r = s.lastReplay();
    Thread.sleep(200);   // the last notifications
    long peakPools = 0;
    for (var pool : ManagementFactory.getMemoryPoolMXBeans())
      if (pool.getType() == java.lang.management.MemoryType.HEAP) peakPools += pool.getPeakUsage().getUsed();
    long readLines = r == null ? 0 : (long) r.survey().lines;
    System.out.printf(Locale.ROOT, "replayed %,d lines (%,d event lines, %,d forks, %,d skipped, %,d live at the end) in %.1f s: %.0f lines/s%n",
        readLines, r.events(), r.forks(), r.skipped(), r.live(), secs, readLines / secs);
    System.out.printf(Locale.ROOT, "heap: %d collections; most used after a collection %.1f MiB, before one %.1f MiB; "
        + "sum of the heap pools' peaks %.1f MiB (max heap %.0f MiB)%n", collections.get(), maxAfter.get() / 1048576.0,
        maxBefore.get() / 1048576.0, peakPools / 1048576.0, rt.maxMemory() / 1048576.0);
    boolean ok = r.skipped() == 0;
    System.out.println("  target (10 M lines within a 512 MiB heap): " + (ok && rt.maxMemory() <= (512L << 20) ? "met" : ok ? "completed (heap above 512 MiB: not the target's setting)" : "NOT met"));
    System.exit(ok ? 0 : 1);
  }

  /** The heap in use: the heap pools' usage (the collectors also report metaspace and the code cache). */
  private static long sum(java.util.Map<String, MemoryUsage> us, java.util.Set<String> heap) {
    long n = 0;
    for (var e : us.entrySet()) if (heap.contains(e.getKey())) n += e.getValue().getUsed();
    return n;
  }
}
