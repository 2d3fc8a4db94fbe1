package dev.kss.machine.mem;

/** The x86-64 base page: 4 KiB (the only size kss models; MachineConfig refuses others). */
public final class Page {
  public static final int SHIFT = 12;
  public static final int SIZE = 1 << SHIFT;

  private Page() {}

  /** The page number of an address. */
  public static long number(long va) { return va >>> SHIFT; }

  /** The address of a page number. */
  public static long address(long vpn) { return vpn << SHIFT; }

  /** Whole pages that {@code bytes} take, rounded up. */
  public static int count(long bytes) { return (int) ((bytes + SIZE - 1) >>> SHIFT); }

  /** {@code n} pages in bytes. */
  public static long bytes(long n) { return n << SHIFT; }
}
