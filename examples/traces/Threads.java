// Thread-heavy JVM workload for the `jvm` perf trace (see README.md).
// Starts and joins THREADS short-lived platform threads in waves; wave i
// runs (i % MAX_PARALLEL) + 1 threads at once, so between 1 and MAX_PARALLEL
// threads are alive together. Each thread does a tiny bit of work and exits,
// so thread creation/exit (clone/exit in the kernel) dominates the run.
// Run: java Threads.java [threads] [maxParallel]   (JDK 17 single-file mode)
public class Threads {
    static volatile long sink;

    public static void main(String[] args) throws InterruptedException {
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 4000;
        int maxParallel = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int started = 0, waves = 0;
        long t0 = System.nanoTime();
        while (started < total) {
            int n = Math.min((waves % maxParallel) + 1, total - started);
            Thread[] wave = new Thread[n];
            for (int i = 0; i < n; i++) {
                final int id = started + i;
                wave[i] = new Thread(() -> {
                    long x = id;
                    for (int k = 0; k < 2000; k++) x = x * 6364136223846793005L + 1442695040888963407L;
                    sink += x;
                }, "worker-" + id);
                wave[i].start();
            }
            for (Thread t : wave) t.join();
            started += n;
            waves++;
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("threads=" + started + " waves=" + waves + " maxParallel=" + maxParallel + " ms=" + ms);
    }
}
